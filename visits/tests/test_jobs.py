"""The visit deadline jobs: overdue visit logs and late returns from a visit.

Every job runs at an explicit moment; boundaries are tested to the microsecond.
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from salescrm.models import Notification
from salescrm.testing.jobs import no_repeats, reasons, told, two_workers
from salescrm.testing.time import ONE_MICROSECOND, at, end_of
from visits import jobs, services
from visits.models import SlipState, VisitLog, VisitSlip
from visits.tests.factories import make_log, make_slip

PLANNED = at(2026, 3, 10, 8, 0)  # Tue
DEPARTURE = at(2026, 3, 10, 9, 0)
BACK = at(2026, 3, 10, 11, 0)
LOG_DUE = end_of(2026, 3, 12)  # two working days after Tue 10 Mar


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(PLANNED, tick=False)


def out_on_a_visit(owner, front_desk, **kwargs):
    kwargs = {"now": PLANNED, "departure": DEPARTURE, "back": BACK, **kwargs}
    return make_slip(owner, SlipState.DEPARTED, front_desk=front_desk, **kwargs)


def returned_visit_log(owner, front_desk, **kwargs):
    kwargs = {"now": PLANNED, "departure": DEPARTURE, "back": BACK, **kwargs}
    return make_log(owner, front_desk=front_desk, **kwargs)


# --- visit logs (rule 2.4.5) ----------------------------------------------------------------


@pytest.fixture
def log(salesperson, manager, front_desk):
    return returned_visit_log(salesperson, front_desk)


def test_a_visit_log_is_due_at_the_end_of_the_second_working_day_after_the_visit(log):
    assert log.due_at == LOG_DUE


def test_a_visit_log_is_not_marked_just_before_or_at_its_due_moment(log):
    # The due moment is the last microsecond of the day: the log is overdue only after it.
    assert jobs.visit_log(now=LOG_DUE - ONE_MICROSECOND) == {"visit logs marked overdue": 0}
    assert jobs.visit_log(now=LOG_DUE) == {"visit logs marked overdue": 0}

    log.refresh_from_db()
    assert log.overdue_marked_at is None
    assert not Notification.objects.filter(kind="log_overdue").exists()


def test_a_visit_log_is_marked_the_moment_its_due_day_has_ended(log):
    now = LOG_DUE + ONE_MICROSECOND

    assert jobs.visit_log(now=now) == {"visit logs marked overdue": 1}

    log.refresh_from_db()
    assert log.overdue_marked_at == now
    assert reasons(log).count("log overdue") == 1


def test_an_overdue_log_tells_its_author_and_their_manager_once_each(log):
    jobs.visit_log(now=at(2026, 3, 13, 9, 20))

    assert told("log_overdue") == {
        ("salesperson", log.customer.name): 1,
        ("manager", log.customer.name): 1,
    }
    notification = Notification.objects.filter(kind="log_overdue").first()
    assert notification.url == reverse("visits:detail", kwargs={"pk": log.slip_id})


def test_running_the_log_job_twice_marks_nothing_more_and_tells_no_one_again(log):
    first = at(2026, 3, 13, 9, 20)
    jobs.visit_log(now=first)

    assert jobs.visit_log(now=first) == {"visit logs marked overdue": 0}
    assert jobs.visit_log(now=at(2026, 3, 16, 9, 20)) == {"visit logs marked overdue": 0}

    log.refresh_from_db()
    assert log.overdue_marked_at == first
    assert Notification.objects.filter(kind="log_overdue").count() == 2
    assert reasons(log).count("log overdue") == 1


def test_a_written_log_is_never_marked(log, salesperson):
    services.visit_log_write(
        log=log,
        actor=salesperson,
        data={
            "notes": "They liked it.",
            "met_nobody": True,
            "met_nobody_reason": "Reception only.",
        },
        now=at(2026, 3, 11, 9, 0),
    )

    assert jobs.visit_log(now=at(2026, 4, 1, 9, 20)) == {"visit logs marked overdue": 0}

    log.refresh_from_db()
    assert log.overdue_marked_at is None
    assert not Notification.objects.filter(kind="log_overdue").exists()


def test_a_log_of_a_thursday_visit_is_due_after_the_weekend(salesperson, manager, front_desk):
    thursday = returned_visit_log(
        salesperson,
        front_desk,
        now=at(2026, 3, 12, 8, 0),
        departure=at(2026, 3, 12, 9, 0),
        back=at(2026, 3, 12, 11, 0),
    )
    assert thursday.due_at == end_of(2026, 3, 16)

    assert jobs.visit_log(now=at(2026, 3, 16, 9, 20)) == {"visit logs marked overdue": 0}
    assert jobs.visit_log(now=at(2026, 3, 17, 0, 20)) == {"visit logs marked overdue": 1}


# --- late returns (rule 2.4.1) --------------------------------------------------------------


@pytest.fixture
def slip(salesperson, manager, front_desk):
    return out_on_a_visit(salesperson, front_desk)


def test_a_slip_out_is_not_flagged_just_before_its_expected_return(slip):
    assert slip.overdue_at == BACK

    assert jobs.visit_return(now=BACK - ONE_MICROSECOND) == {"late returns flagged": 0}

    slip.refresh_from_db()
    assert slip.overdue_flagged_at is None
    assert not Notification.objects.filter(kind="slip_overdue").exists()


def test_a_slip_out_is_flagged_at_its_expected_return(slip):
    assert jobs.visit_return(now=BACK) == {"late returns flagged": 1}

    slip.refresh_from_db()
    assert slip.overdue_flagged_at == BACK
    assert slip.state == SlipState.DEPARTED
    assert reasons(slip).count("late return") == 1


def test_a_late_return_tells_the_manager_and_the_salesperson_once_each(slip):
    jobs.visit_return(now=at(2026, 3, 10, 11, 10))

    assert told("slip_overdue") == {
        ("salesperson", slip.customer.name): 1,
        ("manager", slip.customer.name): 1,
    }
    notification = Notification.objects.filter(kind="slip_overdue").first()
    assert notification.url == reverse("visits:detail", kwargs={"pk": slip.pk})


def test_running_the_return_job_twice_flags_nothing_more_and_tells_no_one_again(slip):
    jobs.visit_return(now=BACK)

    assert jobs.visit_return(now=BACK) == {"late returns flagged": 0}
    assert jobs.visit_return(now=BACK + timedelta(minutes=10)) == {"late returns flagged": 0}

    slip.refresh_from_db()
    assert slip.overdue_flagged_at == BACK
    assert Notification.objects.filter(kind="slip_overdue").count() == 2
    assert reasons(slip).count("late return") == 1


def test_a_slip_expected_back_after_hours_is_late_at_the_end_of_the_working_day(
    salesperson, manager, front_desk
):
    evening = out_on_a_visit(
        salesperson,
        front_desk,
        now=at(2026, 3, 10, 13, 0),
        departure=at(2026, 3, 10, 14, 0),
        back=at(2026, 3, 10, 20, 0),
    )
    assert evening.overdue_at == at(2026, 3, 10, 18, 0)

    assert jobs.visit_return(now=at(2026, 3, 10, 17, 59, 59, 999999))["late returns flagged"] == 0
    assert jobs.visit_return(now=at(2026, 3, 10, 18, 0))["late returns flagged"] == 1


def test_a_late_notice_resets_the_flag_so_a_second_miss_is_flagged_again(slip, salesperson):
    jobs.visit_return(now=at(2026, 3, 10, 11, 10))
    new_return = at(2026, 3, 10, 13, 0)
    services.slip_late_notice(
        slip=slip,
        actor=salesperson,
        new_return=new_return,
        text="Traffic",
        now=at(2026, 3, 10, 11, 15),
    )
    slip.refresh_from_db()
    assert slip.overdue_flagged_at is None
    assert slip.overdue_at == new_return

    assert jobs.visit_return(now=new_return - ONE_MICROSECOND) == {"late returns flagged": 0}
    assert jobs.visit_return(now=new_return) == {"late returns flagged": 1}
    assert jobs.visit_return(now=new_return) == {"late returns flagged": 0}

    slip.refresh_from_db()
    assert slip.overdue_flagged_at == new_return
    assert told("slip_overdue") == {
        ("salesperson", slip.customer.name): 2,
        ("manager", slip.customer.name): 2,
    }
    assert reasons(slip).count("late return") == 2


def test_a_returned_slip_is_never_flagged(salesperson, manager, front_desk):
    returned = make_slip(
        salesperson,
        SlipState.RETURNED,
        front_desk=front_desk,
        now=PLANNED,
        departure=DEPARTURE,
        back=BACK,
        returned_at=at(2026, 3, 10, 12, 30),  # late, but back before the job ran
    )

    assert jobs.visit_return(now=at(2026, 3, 10, 12, 40)) == {"late returns flagged": 0}

    returned.refresh_from_db()
    assert returned.overdue_flagged_at is None
    assert not Notification.objects.filter(kind="slip_overdue").exists()


@pytest.mark.parametrize("state", [SlipState.DRAFT, SlipState.SUBMITTED, SlipState.APPROVED])
def test_a_slip_that_has_not_left_is_never_flagged(salesperson, manager, front_desk, state):
    make_slip(salesperson, state, now=PLANNED, departure=DEPARTURE, back=BACK)

    assert jobs.visit_return(now=at(2026, 3, 11, 9, 0)) == {"late returns flagged": 0}


# --- two workers at once ---------------------------------------------------------------------

ROWS = 30


@pytest.mark.django_db(transaction=True)
def test_two_workers_mark_each_overdue_log_once(claims_meet, salesperson, manager, front_desk):
    logs = [returned_visit_log(salesperson, front_desk) for _ in range(ROWS)]

    results = two_workers(jobs.visit_log, at(2026, 3, 13, 9, 20))

    assert sum(r["visit logs marked overdue"] for r in results) == ROWS
    assert not VisitLog.objects.filter(overdue_marked_at__isnull=True).exists()
    assert len(no_repeats("log_overdue")) == 2 * ROWS
    for log in logs:
        assert reasons(log).count("log overdue") == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_flag_each_late_slip_once(claims_meet, salesperson, manager, front_desk):
    slips = [out_on_a_visit(salesperson, front_desk) for _ in range(ROWS)]

    results = two_workers(jobs.visit_return, at(2026, 3, 10, 11, 10))

    assert sum(r["late returns flagged"] for r in results) == ROWS
    assert not VisitSlip.objects.filter(overdue_flagged_at__isnull=True).exists()
    assert len(no_repeats("slip_overdue")) == 2 * ROWS
    for slip in slips:
        assert reasons(slip).count("late return") == 1
