"""Two clicks at once: real transactions in threads (own connections) against PostgreSQL."""

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from salescrm.errors import DomainError
from salescrm.testing.threads import run_together
from visits import services
from visits.models import SlipState, VisitLog, VisitSlip
from visits.tests.factories import make_slip

S = SlipState


@pytest.fixture
def both_at_the_lock(monkeypatch):
    """Hold each thread just before it locks the slip until both have got there.

    So both have read nothing yet and ask for the row lock at the same moment:
    only the lock (and the state check after it) can stop the second.
    """
    barrier = threading.Barrier(2, timeout=10)
    real = services._lock

    def wait_then_lock(slip):
        if threading.current_thread() is not threading.main_thread():  # not while setting up
            barrier.wait()
        return real(slip)

    monkeypatch.setattr(services, "_lock", wait_then_lock)


def soon():
    return timezone.now() + timedelta(hours=1)


def split(results):
    errors = [r for r in results if isinstance(r, DomainError)]
    done = [r for r in results if isinstance(r, VisitSlip)]
    assert len(errors) + len(done) == len(results), results  # nothing else went wrong
    return done, errors


@pytest.mark.django_db(transaction=True)
def test_two_approvals_of_one_slip_at_once_approve_it_once(both_at_the_lock, salesperson, manager):
    slip = make_slip(salesperson, S.SUBMITTED, departure=soon())

    results = run_together(
        lambda: services.slip_approve(slip=slip, actor=manager),
        lambda: services.slip_approve(slip=slip, actor=manager),
    )

    done, errors = split(results)
    assert (len(done), len(errors)) == (1, 1), results
    slip.refresh_from_db()
    assert slip.state == S.APPROVED
    assert slip.history.filter(state=S.APPROVED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_approval_and_a_cancel_at_once_end_in_one_consistent_state(
    both_at_the_lock, salesperson, manager
):
    slip = make_slip(salesperson, S.SUBMITTED, departure=soon())

    approve, cancel = run_together(
        lambda: services.slip_approve(slip=slip, actor=manager),
        lambda: services.slip_cancel(slip=slip, actor=salesperson, reason="Customer is away."),
    )

    # Either the cancel came first and the approval was refused, or the approval came
    # first and the approved slip was then cancelled (approved → cancelled is allowed).
    # The cancel wins either way, and nothing of the loser is half-written.
    assert isinstance(cancel, VisitSlip), cancel
    slip.refresh_from_db()
    assert slip.state == S.CANCELLED
    assert slip.cancel_reason == "Customer is away."
    states = list(slip.history.order_by("history_id").values_list("state", flat=True))
    if isinstance(approve, DomainError):
        assert (slip.decided_by, slip.decided_at) == (None, None)
        assert states == [S.DRAFT, S.SUBMITTED, S.CANCELLED]
    else:
        assert isinstance(approve, VisitSlip), approve
        assert slip.decided_by == manager
        assert states == [S.DRAFT, S.SUBMITTED, S.APPROVED, S.CANCELLED]


@pytest.mark.django_db(transaction=True)
def test_a_departure_and_a_cancel_at_once_leave_exactly_one_of_them(
    both_at_the_lock, salesperson, manager, front_desk
):
    slip = make_slip(salesperson, S.APPROVED, departure=soon())

    depart, cancel = run_together(
        lambda: services.slip_depart(slip=slip, actor=front_desk),
        lambda: services.slip_cancel(slip=slip, actor=salesperson, reason="Customer is away."),
    )

    done, errors = split([depart, cancel])
    assert (len(done), len(errors)) == (1, 1), (depart, cancel)
    slip.refresh_from_db()
    if isinstance(depart, VisitSlip):
        assert slip.state == S.DEPARTED
        assert (slip.cancelled_at, slip.cancel_reason) == (None, "")
        assert slip.overdue_at is not None
    else:
        assert slip.state == S.CANCELLED
        assert (slip.departed_at, slip.departure_by, slip.overdue_at) == (None, None, None)
    assert slip.history.count() == 4  # draft, submitted, approved, and the winner's row


@pytest.mark.django_db(transaction=True)
def test_two_departure_clicks_at_once_register_one_departure(
    both_at_the_lock, salesperson, manager, front_desk
):
    slip = make_slip(salesperson, S.APPROVED, departure=soon())

    results = run_together(
        lambda: services.slip_depart(slip=slip, actor=front_desk),
        lambda: services.slip_depart(slip=slip, actor=front_desk),
    )

    done, errors = split(results)
    assert (len(done), len(errors)) == (1, 1), results
    slip.refresh_from_db()
    assert slip.state == S.DEPARTED
    assert slip.departed_at == done[0].departed_at
    assert slip.history.filter(state=S.DEPARTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_returns_at_once_open_exactly_one_visit_log(
    both_at_the_lock, salesperson, manager, front_desk
):
    departure = timezone.now() - timedelta(minutes=30)
    slip = make_slip(
        salesperson, S.DEPARTED, front_desk=front_desk, now=departure, departure=departure
    )

    results = run_together(
        lambda: services.slip_return(slip=slip, actor=front_desk),
        lambda: services.slip_return(slip=slip, actor=salesperson),
    )

    done, errors = split(results)
    assert (len(done), len(errors)) == (1, 1), results
    assert VisitLog.objects.count() == 1
    slip.refresh_from_db()
    assert slip.state == S.RETURNED
    assert slip.return_by == done[0].return_by
    assert slip.history.filter(state=S.RETURNED).count() == 1
