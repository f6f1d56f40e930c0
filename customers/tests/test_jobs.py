"""The customer deadline jobs: overdue files, first-contact reminders and misses, reassignment.

Every job runs at an explicit moment; boundaries are tested to the microsecond.
"""

from datetime import date, timedelta

import pytest

from customers import jobs, services
from customers.models import Assignment, Customer
from customers.tests.factories import a_contact_person, complete_fields, make_customer
from salescrm import people
from salescrm.errors import DomainError
from salescrm.models import Notification, Policy
from salescrm.testing.jobs import no_repeats, reasons, told, two_workers
from salescrm.testing.time import ONE_MICROSECOND, at, end_of
from salescrm.tests.factories import ManagerFactory, UserFactory


def contact_now(customer, owner, now):
    """The owner's first contact (a contact record or a visit, in visits, records it so)."""
    assert customer.owner_id == owner.pk
    services.customer_contacted(customer=customer, at=now)


# --- file completion (rule 1.2) -----------------------------------------------------------


# Collected Thu 5 Mar 2026: due at the end of Mon 9 Mar (the weekend does not count).
COLLECTED_THURSDAY = at(2026, 3, 5, 10, 0)
DUE_MONDAY = end_of(2026, 3, 9)


@pytest.fixture
def incomplete_file(salesperson, manager):
    return make_customer(salesperson, now=COLLECTED_THURSDAY)


def test_an_incomplete_file_collected_on_thursday_is_due_at_the_end_of_monday(incomplete_file):
    assert incomplete_file.completion_due_at == DUE_MONDAY


def test_an_incomplete_file_is_not_marked_just_before_or_at_its_due_moment(incomplete_file):
    # The due moment is the last microsecond of the day: the file is overdue only after it.
    assert jobs.file_completion(now=DUE_MONDAY - ONE_MICROSECOND) == {"files marked overdue": 0}
    assert jobs.file_completion(now=DUE_MONDAY) == {"files marked overdue": 0}

    incomplete_file.refresh_from_db()
    assert incomplete_file.completion_overdue_at is None
    assert not Notification.objects.exists()


def test_an_incomplete_file_is_marked_the_moment_its_due_day_has_ended(incomplete_file):
    now = DUE_MONDAY + ONE_MICROSECOND  # Tue 10 Mar 00:00

    assert jobs.file_completion(now=now) == {"files marked overdue": 1}

    incomplete_file.refresh_from_db()
    assert incomplete_file.completion_overdue_at == now


def test_an_overdue_file_tells_its_owner_and_their_manager_once_each(incomplete_file):
    jobs.file_completion(now=at(2026, 3, 10, 9, 5))

    assert told("file_overdue") == {
        ("salesperson", incomplete_file.name): 1,
        ("manager", incomplete_file.name): 1,
    }
    notification = Notification.objects.filter(kind="file_overdue").first()
    assert notification.url == services.customer_url(incomplete_file)
    assert notification.params["owner"] == str(incomplete_file.owner)


def test_an_overdue_file_keeps_a_history_row_with_the_reason(incomplete_file):
    now = at(2026, 3, 10, 9, 5)

    jobs.file_completion(now=now)

    row = incomplete_file.history.order_by("-history_id").first()
    assert row.history_change_reason == "file overdue"
    assert row.completion_overdue_at == now
    assert reasons(incomplete_file).count("file overdue") == 1


def test_running_the_file_job_twice_marks_nothing_more_and_tells_no_one_again(incomplete_file):
    first = at(2026, 3, 10, 9, 5)
    jobs.file_completion(now=first)

    assert jobs.file_completion(now=first) == {"files marked overdue": 0}
    assert jobs.file_completion(now=at(2026, 3, 11, 9, 5)) == {"files marked overdue": 0}

    incomplete_file.refresh_from_db()
    assert incomplete_file.completion_overdue_at == first
    assert Notification.objects.filter(kind="file_overdue").count() == 2
    assert reasons(incomplete_file).count("file overdue") == 1


def test_a_complete_file_is_never_marked(salesperson, manager):
    customer = make_customer(
        salesperson,
        now=COLLECTED_THURSDAY,
        contact_people=[a_contact_person()],
        **complete_fields(),
    )
    assert customer.completed_at is not None

    assert jobs.file_completion(now=at(2026, 4, 1, 9, 5)) == {"files marked overdue": 0}

    customer.refresh_from_db()
    assert customer.completion_overdue_at is None
    assert not Notification.objects.exists()


def test_a_pool_customer_is_not_marked(manager):
    customer = make_customer(actor=manager, to_pool=True, now=COLLECTED_THURSDAY)

    assert jobs.file_completion(now=at(2026, 4, 1, 9, 5)) == {"files marked overdue": 0}

    customer.refresh_from_db()
    assert customer.completion_overdue_at is None


def test_a_file_collected_before_the_spring_festival_is_due_after_it(salesperson, manager):
    # Fri 13 Feb 2026; Sat 14 Feb is a make-up working day (the 1st), 15-23 Feb are off,
    # Tue 24 Feb is the 2nd working day.
    customer = make_customer(
        salesperson, collected_on=date(2026, 2, 13), now=at(2026, 2, 13, 16, 0)
    )
    assert customer.completion_due_at == end_of(2026, 2, 24)

    assert jobs.file_completion(now=at(2026, 2, 17, 9, 5)) == {"files marked overdue": 0}
    assert jobs.file_completion(now=end_of(2026, 2, 24)) == {"files marked overdue": 0}
    assert jobs.file_completion(now=at(2026, 2, 25, 0, 5)) == {"files marked overdue": 1}


def test_a_manager_who_owns_an_overdue_file_is_told_once(manager):
    customer = make_customer(manager, now=COLLECTED_THURSDAY)

    jobs.file_completion(now=at(2026, 3, 10, 9, 5))

    assert told("file_overdue") == {("manager", customer.name): 1}


# --- first contact (rule 1.3.3) --------------------------------------------------------------


ASSIGNED = at(2026, 3, 2, 10, 0)  # Mon: one week to make first contact
FIRST_CONTACT_DUE = at(2026, 3, 9, 10, 0)
REMINDER = at(2026, 3, 7, 10, 0)  # two days before


@pytest.fixture
def new_customer(salesperson, manager):
    return make_customer(salesperson, now=ASSIGNED)


def test_a_new_customer_must_be_contacted_within_seven_calendar_days(new_customer):
    assert new_customer.first_contact_due_at == FIRST_CONTACT_DUE


def test_the_owner_is_reminded_exactly_two_days_before_the_first_contact_deadline(new_customer):
    before = jobs.first_contact(now=REMINDER - ONE_MICROSECOND)
    assert before == {"first-contact reminders": 0, "first contacts missed": 0}
    assert not Notification.objects.exists()

    assert jobs.first_contact(now=REMINDER) == {
        "first-contact reminders": 1,
        "first contacts missed": 0,
    }
    new_customer.refresh_from_db()
    assert new_customer.first_contact_reminded_at == REMINDER
    assert told("first_contact_reminder") == {("salesperson", new_customer.name): 1}
    assert reasons(new_customer).count("first contact: reminder") == 1


def test_the_owner_is_reminded_only_once(new_customer):
    jobs.first_contact(now=REMINDER)

    again = jobs.first_contact(now=REMINDER)
    later = jobs.first_contact(now=at(2026, 3, 8, 10, 0))

    assert again == later == {"first-contact reminders": 0, "first contacts missed": 0}
    assert Notification.objects.filter(kind="first_contact_reminder").count() == 1


def test_the_reminder_follows_the_policy(new_customer):
    Policy.objects.update_or_create(pk=1, defaults={"first_contact_reminder_days": 3})

    early = jobs.first_contact(now=at(2026, 3, 6, 9, 59))
    on_time = jobs.first_contact(now=at(2026, 3, 6, 10, 0))

    assert early["first-contact reminders"] == 0
    assert on_time["first-contact reminders"] == 1


def test_the_first_contact_is_not_missed_just_before_the_deadline(new_customer):
    counts = jobs.first_contact(now=FIRST_CONTACT_DUE - ONE_MICROSECOND)

    assert counts["first contacts missed"] == 0
    new_customer.refresh_from_db()
    assert new_customer.first_contact_missed_at is None
    assert new_customer.reassignment_due_at is None


def test_at_the_deadline_the_first_contact_is_missed_and_the_manager_has_two_working_days(
    new_customer,
):
    counts = jobs.first_contact(now=FIRST_CONTACT_DUE)

    assert counts == {"first-contact reminders": 0, "first contacts missed": 1}
    new_customer.refresh_from_db()
    assert new_customer.first_contact_missed_at == FIRST_CONTACT_DUE
    # Missed on Mon 9 Mar: the grace runs to the end of Wed 11 Mar.
    assert new_customer.reassignment_due_at == end_of(2026, 3, 11)
    assert new_customer.owner.username == "salesperson"
    assert reasons(new_customer).count("first contact: missed") == 1


def test_a_missed_first_contact_tells_the_manager_and_the_owner_once_each(new_customer):
    jobs.first_contact(now=FIRST_CONTACT_DUE)
    jobs.first_contact(now=FIRST_CONTACT_DUE)
    jobs.first_contact(now=at(2026, 3, 10, 10, 0))

    assert told("first_contact_missed") == {
        ("manager", new_customer.name): 1,
        ("salesperson", new_customer.name): 1,
    }


def test_a_manager_who_owns_a_customer_is_told_of_their_own_miss_once(manager):
    customer = make_customer(manager, now=ASSIGNED)

    jobs.first_contact(now=FIRST_CONTACT_DUE)

    assert told("first_contact_missed") == {("manager", customer.name): 1}


@pytest.mark.parametrize(
    ("assigned", "missed", "grace_until"),
    [
        # Missed on Thu 12 Mar: Fri 13 and (after the weekend) Mon 16 Mar.
        (at(2026, 3, 5, 15, 0), at(2026, 3, 12, 15, 0), end_of(2026, 3, 16)),
        # Missed on Fri 13 Mar: Mon 16 and Tue 17 Mar.
        (at(2026, 3, 6, 8, 0), at(2026, 3, 13, 8, 0), end_of(2026, 3, 17)),
        # Missed on Wed 30 Sep 2026: 1-7 Oct are off, Thu 8 and Fri 9 Oct are the two
        # working days (Sat 10 Oct, a make-up day, would be the third).
        (at(2026, 9, 23, 9, 0), at(2026, 9, 30, 9, 0), end_of(2026, 10, 9)),
    ],
)
def test_the_grace_period_counts_working_days_after_the_miss(
    salesperson, manager, assigned, missed, grace_until
):
    customer = make_customer(salesperson, now=assigned)

    jobs.first_contact(now=missed)

    customer.refresh_from_db()
    assert customer.first_contact_missed_at == missed
    assert customer.reassignment_due_at == grace_until


def test_a_first_contact_before_the_reminder_prevents_the_reminder_and_the_miss(
    new_customer, salesperson
):
    contact_now(new_customer, salesperson, at(2026, 3, 3, 11, 0))

    assert jobs.first_contact(now=REMINDER)["first-contact reminders"] == 0
    assert jobs.first_contact(now=FIRST_CONTACT_DUE)["first contacts missed"] == 0
    assert jobs.reassignment(now=at(2026, 3, 20, 9, 0))["customers reassigned"] == 0

    new_customer.refresh_from_db()
    assert new_customer.first_contact_missed_at is None
    assert new_customer.owner == salesperson
    assert not Notification.objects.exists()


def test_a_first_contact_after_the_reminder_prevents_the_miss(new_customer, salesperson):
    jobs.first_contact(now=REMINDER)
    contact_now(new_customer, salesperson, at(2026, 3, 8, 11, 0))

    assert jobs.first_contact(now=FIRST_CONTACT_DUE)["first contacts missed"] == 0


def test_a_late_first_contact_takes_the_customer_out_of_the_reassignment_queue(
    new_customer, salesperson, teammate
):
    jobs.first_contact(now=FIRST_CONTACT_DUE)
    contact_now(new_customer, salesperson, at(2026, 3, 10, 11, 0))

    new_customer.refresh_from_db()
    assert new_customer.reassignment_due_at is None
    counts = jobs.reassignment(now=end_of(2026, 3, 11))
    assert counts == {"customers reassigned": 0, "left for the manager": 0}
    new_customer.refresh_from_db()
    assert new_customer.owner == salesperson
    assert not Notification.objects.filter(kind="customer_reassigned_auto").exists()


def test_pool_customers_have_no_first_contact_deadline(manager):
    make_customer(actor=manager, to_pool=True, now=ASSIGNED)

    assert jobs.first_contact(now=at(2026, 4, 1, 9, 0)) == {
        "first-contact reminders": 0,
        "first contacts missed": 0,
    }


# --- reassignment after the grace period ------------------------------------------------------

GRACE_ENDS = end_of(2026, 3, 11)  # missed Mon 9 Mar, two working days


@pytest.fixture
def missed_customer(new_customer):
    jobs.first_contact(now=FIRST_CONTACT_DUE)
    new_customer.refresh_from_db()
    assert new_customer.reassignment_due_at == GRACE_ENDS
    return new_customer


@pytest.fixture
def busy_teammate(team):
    """A teammate with three customers already."""
    person = UserFactory(username="busy", team=team)
    for _ in range(3):
        make_customer(person, now=at(2026, 1, 5, 9, 0))
    return person


@pytest.fixture
def free_teammate(team):
    return UserFactory(username="free", team=team)


def test_the_customer_is_not_reassigned_before_the_grace_period_ends(
    missed_customer, salesperson, free_teammate
):
    counts = jobs.reassignment(now=GRACE_ENDS - ONE_MICROSECOND)

    assert counts == {"customers reassigned": 0, "left for the manager": 0}
    missed_customer.refresh_from_db()
    assert missed_customer.owner == salesperson


def test_when_the_grace_period_ends_the_customer_goes_to_the_least_loaded_teammate(
    missed_customer, salesperson, busy_teammate, free_teammate
):
    counts = jobs.reassignment(now=GRACE_ENDS)

    assert counts == {"customers reassigned": 1, "left for the manager": 0}
    missed_customer.refresh_from_db()
    assert missed_customer.owner == free_teammate
    assignment = missed_customer.assignments.first()
    assert assignment.reason == Assignment.Reason.AUTOMATIC
    assert assignment.assigned_by is None
    assert assignment.previous_owner == salesperson
    assert assignment.assignee == free_teammate
    assert assignment.assigned_at == GRACE_ENDS


def test_the_customer_never_goes_back_to_the_same_owner_even_with_the_lightest_load(
    missed_customer, salesperson, busy_teammate
):
    # The owner has one customer, the busy teammate three: balance alone would pick the owner.
    jobs.reassignment(now=GRACE_ENDS)

    missed_customer.refresh_from_db()
    assert missed_customer.owner == busy_teammate


def test_an_automatic_reassignment_starts_a_new_first_contact_week(missed_customer, free_teammate):
    jobs.reassignment(now=GRACE_ENDS)

    missed_customer.refresh_from_db()
    assert missed_customer.assigned_at == GRACE_ENDS
    assert missed_customer.first_contact_due_at == GRACE_ENDS + timedelta(days=7)
    assert missed_customer.first_contact_missed_at is None
    assert missed_customer.first_contact_reminded_at is None
    assert missed_customer.reassignment_due_at is None
    assert missed_customer.first_contact_at is None
    row = missed_customer.history.order_by("-history_id").first()
    assert row.history_change_reason == "owner: automatic"
    assert row.history_user is None


def test_an_automatic_reassignment_tells_the_old_owner_the_new_owner_and_the_manager(
    missed_customer, free_teammate
):
    jobs.reassignment(now=GRACE_ENDS)

    assert told("customer_reassigned_auto") == {
        ("salesperson", missed_customer.name): 1,
        ("free", missed_customer.name): 1,
        ("manager", missed_customer.name): 1,
    }


def test_running_the_reassignment_twice_reassigns_once(missed_customer, free_teammate, teammate):
    jobs.reassignment(now=GRACE_ENDS)

    assert jobs.reassignment(now=GRACE_ENDS) == {
        "customers reassigned": 0,
        "left for the manager": 0,
    }
    assert missed_customer.assignments.filter(reason=Assignment.Reason.AUTOMATIC).count() == 1
    assert Notification.objects.filter(kind="customer_reassigned_auto").count() == 3


def test_the_customer_never_goes_to_another_team_or_an_inactive_teammate(
    missed_customer, salesperson, other_salesperson, team
):
    UserFactory(username="gone", team=team, is_active=False)
    stayer = UserFactory(username="stayer", team=team)
    for _ in range(5):
        make_customer(stayer, now=at(2026, 1, 5, 9, 0))

    jobs.reassignment(now=GRACE_ENDS)

    missed_customer.refresh_from_db()
    assert missed_customer.owner == stayer


def test_the_new_owner_must_make_first_contact_within_the_new_week(missed_customer, free_teammate):
    jobs.reassignment(now=GRACE_ENDS)
    new_due = GRACE_ENDS + timedelta(days=7)

    assert jobs.first_contact(now=new_due - ONE_MICROSECOND)["first contacts missed"] == 0
    assert jobs.first_contact(now=new_due)["first contacts missed"] == 1
    assert told("first_contact_missed")[("free", missed_customer.name)] == 1


# --- the manager's extension ----------------------------------------------------------------


def test_an_extension_before_the_grace_ends_keeps_the_customer_with_its_owner(
    missed_customer, manager, salesperson, free_teammate
):
    granted = at(2026, 3, 10, 14, 0)

    services.first_contact_extend(
        customer=missed_customer, actor=manager, reason="Customer abroad until Friday", now=granted
    )

    missed_customer.refresh_from_db()
    assert missed_customer.extension_granted_at == granted
    assert missed_customer.extension_reason == "Customer abroad until Friday"
    assert missed_customer.first_contact_due_at == granted + timedelta(days=7)
    assert missed_customer.first_contact_missed_at is None
    assert missed_customer.reassignment_due_at is None
    assert jobs.reassignment(now=GRACE_ENDS)["customers reassigned"] == 0
    missed_customer.refresh_from_db()
    assert missed_customer.owner == salesperson
    assert told("first_contact_extended") == {("salesperson", missed_customer.name): 1}


def test_an_extension_is_granted_only_once(missed_customer, manager, salesperson, free_teammate):
    granted = at(2026, 3, 10, 14, 0)
    services.first_contact_extend(
        customer=missed_customer, actor=manager, reason="Customer abroad", now=granted
    )
    # The extended week passes without contact: missed again.
    missed_again = granted + timedelta(days=7)  # Tue 17 Mar
    assert jobs.first_contact(now=missed_again)["first contacts missed"] == 1
    missed_customer.refresh_from_db()
    assert missed_customer.reassignment_due_at == end_of(2026, 3, 19)

    with pytest.raises(DomainError, match="once already"):
        services.first_contact_extend(
            customer=missed_customer, actor=manager, reason="Still abroad", now=missed_again
        )

    assert jobs.reassignment(now=end_of(2026, 3, 19))["customers reassigned"] == 1
    missed_customer.refresh_from_db()
    assert missed_customer.owner == free_teammate


def test_an_extension_needs_a_reason(missed_customer, manager):
    with pytest.raises(DomainError, match="Say why"):
        services.first_contact_extend(
            customer=missed_customer, actor=manager, reason="   ", now=at(2026, 3, 10, 14, 0)
        )

    missed_customer.refresh_from_db()
    assert missed_customer.extension_granted_at is None
    assert missed_customer.reassignment_due_at == GRACE_ENDS


@pytest.mark.parametrize("who", ["other_manager", "salesperson", "teammate", "director"])
def test_only_the_owners_manager_grants_an_extension(request, missed_customer, who):
    actor = request.getfixturevalue(who)

    with pytest.raises(DomainError):
        services.first_contact_extend(
            customer=missed_customer, actor=actor, reason="Please", now=at(2026, 3, 10, 14, 0)
        )

    missed_customer.refresh_from_db()
    assert missed_customer.extension_granted_at is None
    assert missed_customer.reassignment_due_at == GRACE_ENDS


def test_a_customer_not_in_the_queue_gets_no_extension(new_customer, manager):
    with pytest.raises(DomainError, match="not waiting"):
        services.first_contact_extend(
            customer=new_customer, actor=manager, reason="Why not", now=at(2026, 3, 4, 9, 0)
        )


# --- a team with no one else ------------------------------------------------------------------


@pytest.fixture
def lone_customer(db):
    """A missed customer whose owner is the only salesperson of the team."""
    manager = ManagerFactory(username="lone_manager")
    owner = UserFactory(username="lone", team=manager.team)
    customer = make_customer(owner, now=ASSIGNED)
    jobs.first_contact(now=FIRST_CONTACT_DUE)
    customer.refresh_from_db()
    return customer


def test_a_customer_with_no_one_else_in_the_team_is_left_for_the_manager(lone_customer):
    counts = jobs.reassignment(now=GRACE_ENDS)

    assert counts == {"customers reassigned": 0, "left for the manager": 1}
    lone_customer.refresh_from_db()
    assert lone_customer.owner.username == "lone"
    assert lone_customer.first_contact_missed_at == FIRST_CONTACT_DUE
    assert lone_customer.reassignment_due_at is None
    assert not lone_customer.assignments.filter(reason=Assignment.Reason.AUTOMATIC).exists()
    assert not Notification.objects.filter(kind="customer_reassigned_auto").exists()


def test_a_customer_left_for_the_manager_is_not_retried_every_run(lone_customer):
    jobs.reassignment(now=GRACE_ENDS)

    for hours in (1, 2, 24):
        assert jobs.reassignment(now=GRACE_ENDS + timedelta(hours=hours)) == {
            "customers reassigned": 0,
            "left for the manager": 0,
        }
    assert jobs.first_contact(now=GRACE_ENDS + timedelta(hours=1)) == {
        "first-contact reminders": 0,
        "first contacts missed": 0,
    }


def test_a_customer_left_for_the_manager_can_still_be_given_the_extension(lone_customer):
    jobs.reassignment(now=GRACE_ENDS)
    manager = people.manager_of(lone_customer.owner)

    services.first_contact_extend(
        customer=lone_customer, actor=manager, reason="Give them a week", now=at(2026, 3, 12, 9)
    )

    lone_customer.refresh_from_db()
    assert lone_customer.first_contact_due_at == at(2026, 3, 19, 9, 0)
    assert lone_customer.first_contact_missed_at is None


def test_a_customer_contacted_late_gets_no_extension(lone_customer):
    contact_now(lone_customer, lone_customer.owner, at(2026, 3, 10, 9, 0))

    with pytest.raises(DomainError, match="not waiting"):
        services.first_contact_extend(
            customer=lone_customer,
            actor=people.manager_of(lone_customer.owner),
            reason="Too late",
            now=at(2026, 3, 10, 10, 0),
        )


# --- two workers at once ---------------------------------------------------------------------

ROWS = 30


def total(results, key):
    return sum(result[key] for result in results)


@pytest.mark.django_db(transaction=True)
def test_two_workers_mark_each_overdue_file_once(claims_meet, salesperson, manager):
    customers = [make_customer(salesperson, now=COLLECTED_THURSDAY) for _ in range(ROWS)]

    results = two_workers(jobs.file_completion, at(2026, 3, 10, 9, 5))

    assert total(results, "files marked overdue") == ROWS
    assert Customer.objects.filter(completion_overdue_at__isnull=True).count() == 0
    assert len(no_repeats("file_overdue")) == 2 * ROWS
    for customer in customers:
        assert reasons(customer).count("file overdue") == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_remind_and_queue_each_customer_once(claims_meet, salesperson, manager):
    customers = [make_customer(salesperson, now=ASSIGNED) for _ in range(ROWS)]

    reminded = two_workers(jobs.first_contact, REMINDER)
    missed = two_workers(jobs.first_contact, FIRST_CONTACT_DUE)

    assert total(reminded, "first-contact reminders") == ROWS
    assert total(missed, "first contacts missed") == ROWS
    assert len(no_repeats("first_contact_reminder")) == ROWS
    assert len(no_repeats("first_contact_missed")) == 2 * ROWS
    for customer in customers:
        assert reasons(customer).count("first contact: reminder") == 1
        assert reasons(customer).count("first contact: missed") == 1
    assert set(Customer.objects.values_list("reassignment_due_at", flat=True)) == {GRACE_ENDS}


@pytest.mark.django_db(transaction=True)
def test_two_workers_reassign_each_customer_once(claims_meet, salesperson, teammate, manager):
    UserFactory(username="third", team=teammate.team)
    customers = [make_customer(salesperson, now=ASSIGNED) for _ in range(ROWS)]
    jobs.first_contact(now=FIRST_CONTACT_DUE)

    results = two_workers(jobs.reassignment, GRACE_ENDS)

    assert total(results, "customers reassigned") == ROWS
    assert total(results, "left for the manager") == 0
    assert not Customer.objects.filter(owner=salesperson).exists()
    assert Assignment.objects.filter(reason=Assignment.Reason.AUTOMATIC).count() == ROWS
    assert len(no_repeats("customer_reassigned_auto")) == 3 * ROWS
    for customer in customers:
        assert reasons(customer).count("owner: automatic") == 1
