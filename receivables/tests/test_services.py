import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from receivables import services
from receivables.models import CollectionPlan, Instalment, PlanState, Receipt, ReceiptState
from receivables.tests.factories import confirmed_plan, plan_of, receipt, signed_agreement
from salescrm.errors import DomainError
from salescrm.testing.threads import run_together

D = Decimal


def plan_exists(agreement) -> bool:
    return CollectionPlan.objects.filter(agreement=agreement).exists()


def test_signing_proposes_a_plan_that_adds_up_to_the_agreed_total(salesperson):
    agreement = signed_agreement(salesperson, payment_terms="30% on signing, the rest later")
    plan = plan_of(agreement)
    amounts = [i.amount for i in plan.instalments.all()]
    assert plan.state == PlanState.DRAFT
    assert plan.total == agreement.total == D("10000.00")
    assert amounts == [D("3000.00"), D("7000.00")]


def test_the_salesperson_edits_the_plan_and_it_must_add_up(salesperson):
    plan = plan_of(signed_agreement(salesperson, payment_terms="30% on signing"))
    today = timezone.localdate()
    with pytest.raises(DomainError, match="add up to"):
        services.plan_update(
            plan=plan, actor=salesperson, instalments=[(today, D("5000")), (today, D("4999.99"))]
        )
    assert [i.amount for i in plan.instalments.all()] == [D("3000.00"), D("7000.00")]
    services.plan_update(
        plan=plan,
        actor=salesperson,
        instalments=[(today, D("2500")), (today + timedelta(days=30), D("2500")),
                     (today + timedelta(days=60), D("5000"))],
    )  # fmt: skip
    assert plan.instalments.count() == 3


def test_the_database_refuses_instalments_that_do_not_add_up(salesperson):
    plan = plan_of(signed_agreement(salesperson))
    first = plan.instalments.first()
    with transaction.atomic():
        Instalment.objects.filter(pk=first.pk).update(amount=first.amount + 1)
        with pytest.raises(IntegrityError), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        transaction.set_rollback(True)


def test_only_the_manager_confirms_and_then_the_plan_is_frozen(salesperson, manager, teammate):
    plan = plan_of(signed_agreement(salesperson))
    for outsider in (salesperson, teammate):
        with pytest.raises(DomainError):
            services.plan_confirm(plan=plan, actor=outsider)
    services.plan_confirm(plan=plan, actor=manager)
    plan.refresh_from_db()
    assert plan.state == PlanState.CONFIRMED
    assert plan.history.count() == 2
    with pytest.raises(DomainError, match="confirmed"):
        services.plan_update(
            plan=plan, actor=salesperson, instalments=[(timezone.localdate(), D("10000"))]
        )


def test_a_partial_receipt_counts_only_once_finance_confirms_it(salesperson, finance):
    plan = confirmed_plan(salesperson)
    agreement = plan.agreement
    made = receipt(agreement, finance, "1000.00", confirm=False)
    assert services.received(agreement) == 0
    services.receipt_confirm(receipt=made, actor=finance)
    first, second = plan.instalments.all()
    assert services.received(agreement) == D("1000.00")
    assert (first.received, first.settled_at) == (D("1000.00"), None)
    assert second.received == 0


def test_only_finance_records_and_confirms(salesperson, manager, director, finance):
    agreement = confirmed_plan(salesperson).agreement
    for person in (salesperson, manager, director):
        with pytest.raises(DomainError):
            receipt(agreement, person, "100.00", confirm=False)
    made = receipt(agreement, finance, "100.00", confirm=False)
    for person in (salesperson, manager, director):
        with pytest.raises(DomainError):
            services.receipt_confirm(receipt=made, actor=person)
    made.refresh_from_db()
    assert made.state == ReceiptState.RECORDED


def test_several_receipts_settle_several_instalments(salesperson, finance):
    plan = confirmed_plan(salesperson)
    receipt(plan.agreement, finance, "2000.00")
    receipt(plan.agreement, finance, "4000.00")
    first, second = plan.instalments.all()
    assert first.settled_at is not None
    assert (second.received, second.settled_at) == (D("3000.00"), None)
    receipt(plan.agreement, finance, "4000.00")
    second.refresh_from_db()
    assert second.settled_at is not None


def test_over_collection_is_refused_and_changes_nothing(salesperson, finance):
    agreement = confirmed_plan(salesperson).agreement
    receipt(agreement, finance, "9000.00", confirm=False)  # recorded, not yet confirmed
    with pytest.raises(DomainError, match="left to collect"):
        receipt(agreement, finance, "1000.01")
    assert Receipt.objects.filter(agreement=agreement).count() == 1


def test_the_same_submission_twice_is_one_receipt(salesperson, finance):
    agreement = confirmed_plan(salesperson).agreement
    token = uuid.uuid4()
    one = receipt(agreement, finance, "500.00", confirm=False, token=token)
    two = receipt(agreement, finance, "500.00", confirm=False, token=token)
    assert one.pk == two.pk
    assert Receipt.objects.count() == 1


def test_a_reference_already_recorded_with_another_amount_is_refused(salesperson, finance):
    agreement = confirmed_plan(salesperson).agreement
    receipt(agreement, finance, "500.00", confirm=False, reference="BANK-1")
    with pytest.raises(DomainError, match="BANK-1"):
        receipt(agreement, finance, "600.00", confirm=False, reference="BANK-1")


@pytest.mark.django_db(transaction=True)
def test_two_people_recording_the_same_receipt_at_once_make_one_row(salesperson):
    from salescrm.roles import Role
    from salescrm.tests.factories import UserFactory

    finance1 = UserFactory(role=Role.FINANCE)
    finance2 = UserFactory(role=Role.FINANCE)
    agreement = confirmed_plan(salesperson).agreement

    def record(person):
        return lambda: services.receipt_record(
            agreement=agreement,
            actor=person,
            amount=D("800.00"),
            received_on=timezone.localdate(),
            method="transfer",
            reference="HSBC-0042",
        )

    results = run_together(record(finance1), record(finance2))
    assert all(isinstance(r, Receipt) for r in results), results
    assert results[0].pk == results[1].pk
    assert Receipt.objects.filter(agreement=agreement).count() == 1


def test_a_receipt_cannot_be_dated_in_the_future(salesperson, finance):
    agreement = confirmed_plan(salesperson).agreement
    with pytest.raises(DomainError):
        receipt(agreement, finance, "1.00", received_on=timezone.localdate() + timedelta(days=1))


def test_billing_details_validate_the_taxpayer_id_and_keep_history(salesperson, manager, finance):
    from customers.tests.factories import make_customer

    customer = make_customer(salesperson)
    data = {"invoice_title": "Acme Ltd", "taxpayer_id": "91350100M000100Y4X"}
    with pytest.raises(DomainError, match="credit code"):
        services.billing_update(customer=customer, actor=salesperson, data=data)
    with pytest.raises(DomainError):
        services.billing_update(
            customer=customer, actor=finance, data={"invoice_title": "Acme Ltd"}
        )
    data["taxpayer_id"] = "91350100m000100y43"
    details = services.billing_update(customer=customer, actor=salesperson, data=data)
    assert details.taxpayer_id == "91350100M000100Y43"
    services.billing_update(
        customer=customer, actor=manager, data={**data, "bank": "Bank of China"}
    )
    assert details.history.count() == 2


def test_a_plan_is_proposed_once(salesperson):
    agreement = signed_agreement(salesperson)
    assert services.plan_propose(agreement=agreement).pk == plan_of(agreement).pk


def test_no_plan_for_an_unsigned_agreement(salesperson):
    from contracts.models import AgreementState
    from contracts.tests.factories import make_agreement_in

    agreement = make_agreement_in(AgreementState.SENT, salesperson)
    with pytest.raises(DomainError):
        services.plan_propose(agreement=agreement)
    assert not plan_exists(agreement)


def test_the_database_refuses_receipts_beyond_the_agreed_total(salesperson, finance):
    agreement = signed_agreement(salesperson)
    made = receipt(agreement, finance, "9000.00", confirm=False)
    with transaction.atomic():
        Receipt.objects.filter(pk=made.pk).update(amount=D("10000.01"))
        with pytest.raises(IntegrityError), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        transaction.set_rollback(True)
