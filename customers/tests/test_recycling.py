"""Pool rules (公海规则): customers nobody follows up go back to the pool (customers.recycling).

The rule in these tests: an unclassified customer not followed up for 5 working days
returns; its owner is warned 2 working days before. Every run is at an explicit moment.
"""

from datetime import date

import pytest

from customers import recycling, services
from customers.models import Assignment, Customer, PipelineClass, RecycleRule
from customers.tests.factories import make_customer
from salescrm import selectors as salescrm_selectors
from salescrm.errors import DomainError
from salescrm.jobs import run_job
from salescrm.models import JobRun
from salescrm.testing.jobs import no_repeats, reasons, told, two_workers
from salescrm.testing.time import ONE_MICROSECOND, at, end_of

# Assigned (collected) Mon 2 Mar 2026: the 5th working day after is Mon 9 Mar.
ASSIGNED = at(2026, 3, 2, 10, 0)
LAST_DAY = end_of(2026, 3, 9)
RETURNS = LAST_DAY + ONE_MICROSECOND  # Tue 10 Mar 00:00


@pytest.fixture
def rule(db):
    found, _ = RecycleRule.objects.update_or_create(
        pipeline_class=PipelineClass.UNCLASSIFIED,
        defaults={"working_days": 5, "warning_working_days": 2, "extension_working_days": 3},
    )
    return found


@pytest.fixture
def idle(rule, salesperson, manager):
    return make_customer(salesperson, now=ASSIGNED)


def calendar():
    return salescrm_selectors.work_calendar(today=date(2026, 3, 2))


def returned():
    return "customers returned to the pool"


def test_the_day_before_and_at_the_last_moment_it_stays(idle):
    assert recycling.pool_returns(now=end_of(2026, 3, 6))[returned()] == 0
    assert recycling.pool_returns(now=LAST_DAY)[returned()] == 0
    idle.refresh_from_db()
    assert idle.owner is not None


def test_after_the_last_working_day_it_returns_with_history_and_notices(idle, salesperson):
    assert recycling.pool_returns(now=RETURNS)[returned()] == 1

    idle.refresh_from_db()
    assert idle.owner is None
    assert idle.former_owner == salesperson
    assert idle.returned_to_pool_at == RETURNS
    assert idle.return_reason == "recycled"
    assert idle.pool_team_id == salesperson.team_id
    assert Assignment.objects.filter(customer=idle, reason=Assignment.Reason.RECYCLED).count() == 1
    assert "owner: recycled" in reasons(idle)
    assert no_repeats("pool_returned") == {
        ("salesperson", idle.name): 1,
        ("manager", idle.name): 1,
    }


def test_a_second_run_changes_nothing(idle):
    recycling.pool_returns(now=RETURNS)
    history = idle.history.count()

    assert recycling.pool_returns(now=RETURNS) == {
        "customers returned to the pool": 0,
        "owners warned": 0,
    }
    assert idle.history.count() == history
    assert Assignment.objects.filter(reason=Assignment.Reason.RECYCLED).count() == 1


def test_across_the_spring_festival_only_working_days_count(rule, salesperson, manager):
    # Thu 12 Feb 2026; Fri 13, Sat 14 (a make-up working day), then the holiday to Mon 23:
    # the 5th working day is Thu 26 Feb.
    customer = make_customer(salesperson, now=at(2026, 2, 12, 10, 0))

    assert recycling.pool_returns(now=end_of(2026, 2, 26))[returned()] == 0
    assert recycling.pool_returns(now=at(2026, 2, 27, 0, 0))[returned()] == 1
    customer.refresh_from_db()
    assert customer.owner is None


def test_a_follow_up_starts_the_count_again(idle):
    services.customer_contacted(customer=idle, at=at(2026, 3, 9, 15, 0))

    assert recycling.pool_returns(now=RETURNS)[returned()] == 0
    # 5 working days after Mon 9 Mar: Mon 16 Mar.
    assert recycling.pool_returns(now=at(2026, 3, 17, 0, 0))[returned()] == 1


def test_the_owner_is_warned_once_two_working_days_before(idle):
    assert recycling.pool_returns(now=end_of(2026, 3, 4))["owners warned"] == 0
    assert recycling.pool_returns(now=at(2026, 3, 5, 1, 0))["owners warned"] == 1
    assert recycling.pool_returns(now=at(2026, 3, 6, 1, 0))["owners warned"] == 0
    assert told("pool_return_warning") == {("salesperson", idle.name): 1}


def test_the_file_says_in_how_many_working_days_it_returns(idle):
    due = recycling.return_due(idle, now=at(2026, 3, 5, 9, 0), calendar=calendar())

    assert due.day == date(2026, 3, 9)
    assert recycling.days_left_text(due) == "returns to the pool in 2 working days"


def test_the_worklist_lists_files_about_to_return(idle, salesperson):
    soon = recycling.about_to_return(salesperson, now=at(2026, 3, 5, 9, 0), calendar=calendar())
    early = recycling.about_to_return(salesperson, now=at(2026, 3, 4, 9, 0), calendar=calendar())

    assert list(soon) == [idle]
    assert list(early) == []


def test_letters_of_intent_and_signed_customers_are_exempt(rule, salesperson, manager):
    customer = make_customer(salesperson, now=ASSIGNED)
    Customer.objects.filter(pk=customer.pk).update(pipeline_class=PipelineClass.LETTER_OF_INTENT)

    assert recycling.pool_returns(now=RETURNS)[returned()] == 0


def test_an_exemption_hook_keeps_the_customer(idle, monkeypatch):
    from django.db.models import Q

    monkeypatch.setitem(recycling.EXEMPTIONS, "test", lambda today: Q(pk=idle.pk))

    assert recycling.pool_returns(now=RETURNS)[returned()] == 0
    assert recycling.return_due(idle, now=RETURNS, calendar=calendar()) is None


def test_the_apps_register_their_exemptions():
    assert {"contracts.open", "receivables.outstanding"} <= set(recycling.EXEMPTIONS)


def test_the_managers_one_extension_adds_working_days(idle, manager):
    recycling.grant_extension(customer=idle, actor=manager, reason="Budget meeting next week")

    assert recycling.pool_returns(now=RETURNS)[returned()] == 0
    # 5 + 3 working days after Mon 2 Mar: Thu 12 Mar.
    assert recycling.pool_returns(now=end_of(2026, 3, 12))[returned()] == 0
    assert recycling.pool_returns(now=at(2026, 3, 13, 0, 0))[returned()] == 1
    with pytest.raises(DomainError):
        recycling.grant_extension(customer=idle, actor=manager, reason="Again")


def test_only_one_extension_and_only_by_the_manager(idle, manager, salesperson):
    with pytest.raises(DomainError):
        recycling.grant_extension(customer=idle, actor=salesperson, reason="Please")
    recycling.grant_extension(customer=idle, actor=manager, reason="Budget meeting")
    with pytest.raises(DomainError, match="already"):
        recycling.grant_extension(customer=idle, actor=manager, reason="Again")


def test_a_locked_customer_stays_until_the_lock_ends(idle, manager):
    recycling.lock(customer=idle, actor=manager, until=date(2026, 3, 20), reason="Key account")

    assert recycling.pool_returns(now=RETURNS)[returned()] == 0
    assert recycling.pool_returns(now=end_of(2026, 3, 20))[returned()] == 0
    assert recycling.pool_returns(now=at(2026, 3, 21, 0, 0))[returned()] == 1


def test_the_job_is_registered_and_its_runs_recorded(idle):
    counts = run_job("pool_returns", now=RETURNS)

    assert counts[returned()] == 1
    assert JobRun.objects.filter(name="pool_returns").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_return_each_customer_once(claims_meet, rule, salesperson, manager):
    customers = [make_customer(salesperson, now=ASSIGNED) for _ in range(30)]

    results = two_workers(recycling.pool_returns, RETURNS)

    assert sum(result[returned()] for result in results) == 30
    assert Customer.objects.filter(owner__isnull=False).count() == 0
    assert Assignment.objects.filter(reason=Assignment.Reason.RECYCLED).count() == 30
    assert len(no_repeats("pool_returned")) == 60
    for customer in customers:
        assert reasons(customer).count("owner: recycled") == 1


def test_the_former_owner_cannot_claim_it_back_but_a_teammate_can(idle, salesperson, teammate):
    recycling.pool_returns(now=RETURNS)
    idle.refresh_from_db()

    with pytest.raises(DomainError, match="cannot claim it back"):
        services.claim_file(customer=idle, claimant=salesperson, reason="It was mine")
    assert services.claim_file(customer=idle, claimant=teammate, reason="New lead for me")


def test_the_timeline_records_the_return(idle, salesperson):
    from customers import timeline

    recycling.pool_returns(now=RETURNS)
    idle.refresh_from_db()

    whats = [str(event.what) for event in timeline.events(salesperson, idle, None, 10)]
    assert "Returned to the pool: not followed up" in whats


def test_the_managers_team_table_counts_returns_per_person_this_week(idle, manager):
    from customers import selectors

    recycling.pool_returns(now=RETURNS)

    (row,) = selectors.team_today(manager, today=date(2026, 3, 10))
    assert row["returned_this_week"] == 1
    (row,) = selectors.team_today(manager, today=date(2026, 3, 17))
    assert row["returned_this_week"] == 0


def test_a_departing_owners_customers_show_why_in_the_pool(idle, salesperson, manager):
    services.customers_return_to_pool(owner=salesperson, actor=manager, now=RETURNS)

    idle.refresh_from_db()
    assert (idle.former_owner, idle.return_reason) == (salesperson, "left")


def test_without_any_rule_nothing_is_about_to_return_or_returned(idle, salesperson):
    RecycleRule.objects.all().delete()

    assert list(recycling.about_to_return(salesperson, now=RETURNS, calendar=calendar())) == []
    assert recycling.pool_returns(now=RETURNS)[returned()] == 0
