"""History and audit tables refuse UPDATE and DELETE in the database itself.

(In contracts' tests: the lowest layer whose factories make rows in every app's tables.)
"""

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from contracts.tests.factories import accepted_agreement
from customers.models import ClassChange, ContactPerson, CustomerNote, PipelineClass
from customers.tests.factories import make_customer
from salescrm import audit, jobs
from salescrm.models import JobRun

# Written once, then only read: besides every simple-history table.
AUDIT_TABLES = {
    "customers_classchange",
    "customers_assignment",
    "customers_customernote",
}


def history_tables() -> set[str]:
    return {
        model._meta.db_table
        for model in apps.get_models()
        if hasattr(model, "instance_type")  # simple-history's Historical* models
    }


def triggers() -> dict[str, set[str]]:
    """{table: {function of each BEFORE UPDATE OR DELETE row trigger}}."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, p.proname, t.tgtype FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE NOT t.tgisinternal AND t.tgenabled = 'O'"
        )
        found: dict[str, set[str]] = {}
        for table, function, tgtype in cursor.fetchall():
            row, before, delete, update = 1, 2, 8, 16
            if tgtype & (row | before | delete | update) == row | before | delete | update:
                found.setdefault(table, set()).add(function)
        return found


def refused(sql: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    except DatabaseError as error:
        return "refused" in str(error)
    return False


def test_every_history_and_audit_table_has_the_append_only_trigger(db):
    tables = history_tables() | AUDIT_TABLES
    found = triggers()

    assert len(history_tables()) >= 17
    assert {t for t in tables if audit.FUNCTION not in found.get(t, set())} == set()
    assert "contracts_signature" in found  # its own trigger, since contracts 0002


@pytest.fixture
def records(salesperson, manager):
    """Rows in the history and audit tables of every app."""
    agreement = accepted_agreement(salesperson, manager)
    customer = make_customer(salesperson)
    now = timezone.now()
    ClassChange.objects.create(
        customer=customer,
        from_class=PipelineClass.UNCLASSIFIED,
        to_class=PipelineClass.TRACKING,
        changed_by=salesperson,
        changed_at=now,
        reason="test",
    )
    CustomerNote.objects.create(
        customer=customer, author=salesperson, kind="comment", body="hello", created_at=now
    )
    return agreement


def test_a_raw_update_or_delete_of_any_audit_row_is_refused(records):
    tested = []
    for table in sorted(history_tables() | AUDIT_TABLES):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")
            if not cursor.fetchone()[0]:
                continue
        tested.append(table)

        assert refused(f"UPDATE {table} SET id = id"), table
        assert refused(f"DELETE FROM {table}"), table

    assert {
        "customers_historicalcustomer",
        "customers_classchange",
        "customers_assignment",
        "customers_customernote",
        "salescrm_historicaluser",
        "salescrm_historicalteam",
        "contracts_historicalplan",
        "contracts_historicalplanversion",
        "contracts_historicalagreement",
    } <= set(tested)


def test_history_rewritten_through_the_orm_is_refused_and_nothing_changes(records, salesperson):
    customer = make_customer(salesperson, name="Original Name")
    row = customer.history.earliest()

    with pytest.raises(DatabaseError), transaction.atomic():
        customer.history.filter(pk=row.pk).update(name="Rewritten", owner_id=None)

    row.refresh_from_db()
    assert row.name == "Original Name"
    assert row.owner_id == salesperson.pk


def test_a_finished_job_run_is_kept_as_it_finished(db):
    with jobs.job_run("test_job") as run:
        run.counts = {"done": 1}  # the run's own finishing write is allowed

    run.refresh_from_db()
    assert run.finished_at is not None
    assert refused(f"UPDATE salescrm_jobrun SET counts = '{{}}' WHERE id = {run.pk}")
    assert refused(f"DELETE FROM salescrm_jobrun WHERE id = {run.pk}")
    assert JobRun.objects.get(pk=run.pk).counts == {"done": 1}


def test_legitimate_deletes_still_work_and_leave_history(salesperson):
    """Removing a contact person deletes the row and adds a history row; nothing refused."""
    from customers import services
    from customers.tests.factories import a_contact_person

    customer = make_customer(salesperson, contact_people=[a_contact_person()])
    contact = customer.contact_people.get()
    contact_pk = contact.pk

    services.contact_person_delete(contact=contact, actor=salesperson)

    assert not customer.contact_people.exists()
    assert ContactPerson.history.filter(id=contact_pk, history_type="-").count() == 1


def test_the_scratch_data_clean_up_may_suspend_the_triggers_inside_its_transaction(records):
    with transaction.atomic(), audit.suspended():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM customers_customernote")
        transaction.set_rollback(True)

    assert CustomerNote.objects.exists()
    assert audit.FUNCTION in triggers()["customers_customernote"]
