"""What a slip or a log asks of people stops waiting once it is done, for everyone asked."""

import pytest

from salescrm import notifications
from visits import jobs, services
from visits.models import SlipState
from visits.tests.factories import make_log, make_slip


def waiting(person, kind):
    return notifications.waiting_for(person).filter(kind=kind).count()


@pytest.mark.parametrize("decide", ["approve", "reject"])
def test_deciding_a_slip_resolves_the_managers_request(salesperson, manager, decide):
    slip = make_slip(salesperson, SlipState.SUBMITTED)
    assert waiting(manager, "slip_submitted") == 1

    if decide == "approve":
        services.slip_approve(slip=slip, actor=manager)
    else:
        services.slip_reject(slip=slip, actor=manager, reason="Not this week.")

    assert waiting(manager, "slip_submitted") == 0


def test_cancelling_a_waiting_slip_resolves_the_request_too(salesperson, manager):
    slip = make_slip(salesperson, SlipState.SUBMITTED)

    services.slip_cancel(slip=slip, actor=salesperson)

    assert waiting(manager, "slip_submitted") == 0


def test_submitting_again_resolves_the_rejection(salesperson, manager):
    slip = make_slip(salesperson, "rejected")
    assert waiting(salesperson, "slip_rejected") == 1

    services.slip_submit(slip=slip, actor=salesperson)

    assert waiting(salesperson, "slip_rejected") == 0
    assert waiting(manager, "slip_submitted") == 1  # the new request waits


def test_writing_the_log_resolves_its_overdue_notice(salesperson, manager, front_desk):
    log = make_log(salesperson, front_desk=front_desk)
    jobs.visit_log(now=log.due_at.replace(year=log.due_at.year + 1))
    assert waiting(salesperson, "log_overdue") == 1
    assert waiting(manager, "log_overdue") == 1

    services.visit_log_write(
        log=log,
        actor=salesperson,
        data={
            "notes": "Met the buyer.",
            "met_nobody": True,
            "met_nobody_reason": "The buyer sent a deputy who would not give his name.",
        },
    )

    assert waiting(salesperson, "log_overdue") == 0
    assert waiting(manager, "log_overdue") == 0


def test_the_return_resolves_the_late_notice(salesperson, manager, front_desk):
    slip = make_slip(salesperson, SlipState.DEPARTED, front_desk=front_desk)
    jobs.visit_return(now=slip.overdue_at)
    assert waiting(manager, "slip_overdue") == 1

    services.slip_return(slip=slip, actor=front_desk)

    assert waiting(manager, "slip_overdue") == 0
