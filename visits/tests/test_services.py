from datetime import date, time, timedelta

import pytest
from django.utils import translation

from customers.models import ClassChange, ContactPerson, PipelineClass
from customers.tests.factories import a_contact_person, make_customer
from salescrm import notifications
from salescrm.errors import DomainError
from salescrm.models import Notification, Policy
from salescrm.roles import Role
from salescrm.selectors import work_calendar
from salescrm.testing.time import at
from salescrm.tests.factories import UserFactory
from visits import services
from visits.models import ContactRecord, SlipState, VisitLog, VisitSlip
from visits.services import TRANSITIONS
from visits.tests.factories import PRE_VISIT_REPORT, make_log, make_slip

S = SlipState


NOW = at(2026, 3, 2, 9, 0)  # a Monday, a working day


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def latest_history(slip):
    return slip.history.order_by("-history_id").first()


# --- the transition table -------------------------------------------------------------------

# Who each actor name of TRANSITIONS is, among the personas of conftest.py.
PERSONA_OF = {"owner": "salesperson", "manager": "manager", "front_desk": "front_desk"}
PERSONAS = ["salesperson", "teammate", "manager", "other_manager", "director", "front_desk"]


def move(slip, to_state, actor):
    """Ask the service that makes the move `slip` → `to_state`."""
    if to_state == S.SUBMITTED:
        return services.slip_submit(slip=slip, actor=actor)
    if to_state == S.APPROVED:
        return services.slip_approve(slip=slip, actor=actor)
    if to_state == S.DRAFT:
        return services.slip_reject(slip=slip, actor=actor, reason="Plan the route first.")
    if to_state == S.DEPARTED:
        return services.slip_depart(slip=slip, actor=actor)
    if to_state == S.RETURNED:
        return services.slip_return(slip=slip, actor=actor)
    if to_state == S.CANCELLED:
        return services.slip_cancel(slip=slip, actor=actor, reason="Customer postponed.")
    raise AssertionError(to_state)


ALLOWED = [
    pytest.param(frm, to, PERSONA_OF[who], id=f"{frm}->{to} by {who}")
    for (frm, to), whos in TRANSITIONS.items()
    for who in sorted(whos)
]
WRONG_ACTORS = [
    pytest.param(frm, to, persona, id=f"{frm}->{to} by {persona}")
    for (frm, to), whos in TRANSITIONS.items()
    for persona in PERSONAS
    if persona not in {PERSONA_OF[who] for who in whos}
]
# Every move the table does not have, asked by someone who may make that kind of move.
NOT_IN_TABLE = [
    pytest.param(frm, to, PERSONA_OF[who], id=f"{frm}->{to} by {who}")
    for frm in S.values
    for to in S.values
    if (frm, to) not in TRANSITIONS
    for who in sorted(set().union(*(w for (_, t), w in TRANSITIONS.items() if t == to)))
]


@pytest.fixture
def slip_in(salesperson, manager, front_desk):
    def make(state):
        return make_slip(salesperson, state, manager=manager, front_desk=front_desk)

    return make


@pytest.mark.parametrize(("from_state", "to_state", "persona"), ALLOWED)
def test_each_move_of_the_table_is_made_by_the_right_actor(
    request, slip_in, from_state, to_state, persona
):
    slip = slip_in(from_state)
    history_before = slip.history.count()

    result = move(slip, to_state, request.getfixturevalue(persona))

    slip.refresh_from_db()
    assert result.state == slip.state == to_state
    assert slip.history.count() == history_before + 1
    assert latest_history(slip).state == to_state


@pytest.mark.parametrize(("from_state", "to_state", "persona"), WRONG_ACTORS)
def test_each_move_of_the_table_is_refused_to_anyone_else(
    request, slip_in, from_state, to_state, persona
):
    slip = slip_in(from_state)
    history_before = slip.history.count()

    with pytest.raises(DomainError, match="may not make this change"):
        move(slip, to_state, request.getfixturevalue(persona))

    slip.refresh_from_db()
    assert slip.state == from_state
    assert slip.history.count() == history_before


@pytest.mark.parametrize(("from_state", "to_state", "persona"), NOT_IN_TABLE)
def test_a_move_not_in_the_table_is_refused_whoever_asks(
    request, slip_in, from_state, to_state, persona
):
    slip = slip_in(from_state)
    history_before = slip.history.count()

    with pytest.raises(DomainError, match="not possible now"):
        move(slip, to_state, request.getfixturevalue(persona))

    slip.refresh_from_db()
    assert slip.state == from_state
    assert slip.history.count() == history_before


def test_the_table_has_the_moves_of_the_spec():
    assert set(TRANSITIONS) == {
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.APPROVED),
        (S.SUBMITTED, S.DRAFT),
        (S.APPROVED, S.DEPARTED),
        (S.DEPARTED, S.RETURNED),
        (S.DRAFT, S.CANCELLED),
        (S.SUBMITTED, S.CANCELLED),
        (S.APPROVED, S.CANCELLED),
    }


@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED])
def test_the_front_desk_cannot_check_out_a_slip_not_approved(slip_in, front_desk, state):
    slip = slip_in(state)

    with pytest.raises(DomainError):
        services.slip_depart(slip=slip, actor=front_desk)

    slip.refresh_from_db()
    assert slip.state == state
    assert slip.departed_at is None
    assert slip.overdue_at is None


def test_a_whole_visit_leaves_one_history_row_per_state(salesperson, manager, front_desk):
    slip = make_slip(salesperson, S.RETURNED, manager=manager, front_desk=front_desk)

    states = list(slip.history.order_by("history_id").values_list("state", flat=True))

    assert states == [S.DRAFT, S.SUBMITTED, S.APPROVED, S.DEPARTED, S.RETURNED]


def test_slip_moves_offers_the_buttons_each_person_may_press(
    slip_in, salesperson, manager, front_desk, teammate
):
    slip = slip_in(S.SUBMITTED)

    assert services.slip_moves(slip, manager) == {S.APPROVED, S.DRAFT, S.CANCELLED}
    assert services.slip_moves(slip, salesperson) == {S.CANCELLED}
    assert services.slip_moves(slip, front_desk) == set()
    assert services.slip_moves(slip, teammate) == set()


# --- creating a slip --------------------------------------------------------------------------


def slip_data(**fields):
    data = {
        "plan": "Present the spring package.",
        "planned_departure": at(2026, 3, 3, 9, 0),
        "expected_return": at(2026, 3, 3, 11, 0),
    }
    data.update(fields)
    return data


def test_a_salesperson_plans_a_visit_to_their_own_customer_as_a_draft(salesperson):
    customer = make_customer(salesperson)

    slip = services.slip_create(customer=customer, actor=salesperson, data=slip_data())

    assert slip.state == S.DRAFT
    assert slip.created_at == NOW
    assert slip.is_revisit is False


@pytest.mark.parametrize("persona", ["teammate", "manager", "director", "front_desk"])
def test_only_the_customers_owner_plans_a_visit(request, salesperson, persona):
    customer = make_customer(salesperson)

    with pytest.raises(DomainError):
        services.slip_create(
            customer=customer, actor=request.getfixturevalue(persona), data=slip_data()
        )

    assert not VisitSlip.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"plan": "  "}, id="no plan"),
        pytest.param({"expected_return": at(2026, 3, 3, 9, 0)}, id="return not after departure"),
        pytest.param(
            {"planned_departure": at(2026, 3, 1, 9, 0), "expected_return": at(2026, 3, 1, 11, 0)},
            id="departure in the past",
        ),
    ],
)
def test_a_slip_with_a_bad_plan_is_refused(salesperson, fields):
    customer = make_customer(salesperson)

    with pytest.raises(DomainError):
        services.slip_create(customer=customer, actor=salesperson, data=slip_data(**fields))

    assert not VisitSlip.objects.exists()


def test_the_salesperson_changes_a_draft_but_not_a_submitted_slip(salesperson, slip_in):
    draft = slip_in(S.DRAFT)
    services.slip_update(slip=draft, actor=salesperson, data={"plan": "New plan."})
    draft.refresh_from_db()
    assert draft.plan == "New plan."

    submitted = slip_in(S.SUBMITTED)
    with pytest.raises(DomainError):
        services.slip_update(slip=submitted, actor=salesperson, data={"plan": "New plan."})
    submitted.refresh_from_db()
    assert submitted.plan != "New plan."


# --- the pre-visit report (rule 3.2) ----------------------------------------------------------


@pytest.fixture
def visited_customer(salesperson, manager, front_desk):
    """A customer already visited once (the slip returned)."""
    customer = make_customer(salesperson)
    make_slip(salesperson, S.RETURNED, customer=customer, manager=manager, front_desk=front_desk)
    return customer


def test_a_first_visit_needs_no_pre_visit_report(salesperson):
    slip = services.slip_create(
        customer=make_customer(salesperson), actor=salesperson, data=slip_data()
    )

    services.slip_submit(slip=slip, actor=salesperson)

    slip.refresh_from_db()
    assert slip.is_revisit is False
    assert slip.state == S.SUBMITTED


def test_the_visit_after_a_returned_one_is_a_revisit(salesperson, visited_customer):
    slip = services.slip_create(customer=visited_customer, actor=salesperson, data=slip_data())

    assert slip.is_revisit is True


def test_a_revisit_without_the_pre_visit_report_is_refused_naming_what_is_missing(
    salesperson, visited_customer
):
    slip = services.slip_create(customer=visited_customer, actor=salesperson, data=slip_data())

    with pytest.raises(DomainError, match="pre-visit report") as refused:
        services.slip_submit(slip=slip, actor=salesperson)

    message = str(refused.value)
    for label in [
        "recent follow-up status",
        "purpose of the visit",
        "objectives",
        "issues likely to come up",
    ]:
        assert label in message
    slip.refresh_from_db()
    assert slip.state == S.DRAFT
    assert slip.submitted_at is None


def test_a_revisit_with_part_of_the_report_is_refused_naming_only_the_rest(
    salesperson, visited_customer
):
    data = slip_data(recent_status="Called last week.", objectives="A trial slot.")
    slip = services.slip_create(customer=visited_customer, actor=salesperson, data=data)

    with pytest.raises(DomainError) as refused:
        services.slip_submit(slip=slip, actor=salesperson)

    message = str(refused.value)
    assert "purpose of the visit" in message
    assert "issues likely to come up" in message
    assert "recent follow-up status" not in message
    assert "objectives" not in message


def test_a_revisit_with_the_pre_visit_report_is_submitted(salesperson, visited_customer):
    data = slip_data(**PRE_VISIT_REPORT)
    slip = services.slip_create(customer=visited_customer, actor=salesperson, data=data)

    services.slip_submit(slip=slip, actor=salesperson)

    slip.refresh_from_db()
    assert slip.state == S.SUBMITTED
    assert slip.is_revisit is True


def test_a_draft_becomes_a_revisit_when_an_earlier_visit_returns_before_it_is_submitted(
    salesperson, manager, front_desk
):
    customer = make_customer(salesperson)
    out = make_slip(
        salesperson, S.DEPARTED, customer=customer, manager=manager, front_desk=front_desk
    )
    draft = services.slip_create(customer=customer, actor=salesperson, data=slip_data())
    assert draft.is_revisit is False
    services.slip_return(slip=out, actor=front_desk)

    with pytest.raises(DomainError, match="pre-visit report"):
        services.slip_submit(slip=draft, actor=salesperson)


def test_a_cancelled_earlier_slip_does_not_make_a_revisit(salesperson):
    customer = make_customer(salesperson)
    make_slip(salesperson, S.CANCELLED, customer=customer)

    slip = services.slip_create(customer=customer, actor=salesperson, data=slip_data())

    assert slip.is_revisit is False


# --- submit, approve, reject -----------------------------------------------------------------


def test_submitting_tells_the_manager_and_approving_tells_the_salesperson(
    salesperson, manager, slip_in
):
    slip = slip_in(S.DRAFT)

    services.slip_submit(slip=slip, actor=salesperson)
    services.slip_approve(slip=slip, actor=manager)

    asked = Notification.objects.get(kind="slip_submitted")
    assert (asked.recipient, asked.actor) == (manager, salesperson)
    approved = Notification.objects.get(kind="slip_approved")
    assert (approved.recipient, approved.actor) == (salesperson, manager)
    slip.refresh_from_db()
    assert (slip.decided_by, slip.decided_at, slip.submitted_at) == (manager, NOW, NOW)


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_rejection_needs_a_reason(manager, slip_in, reason):
    slip = slip_in(S.SUBMITTED)

    with pytest.raises(DomainError, match="why"):
        services.slip_reject(slip=slip, actor=manager, reason=reason)

    slip.refresh_from_db()
    assert slip.state == S.SUBMITTED
    assert not Notification.objects.filter(kind="slip_rejected").exists()


def test_a_rejected_slip_goes_back_to_draft_with_the_reason_told_to_the_salesperson(
    salesperson, manager, slip_in
):
    slip = slip_in(S.SUBMITTED)

    services.slip_reject(slip=slip, actor=manager, reason="  Go on Thursday instead.  ")

    slip.refresh_from_db()
    assert slip.state == S.DRAFT
    assert slip.rejection_reason == "Go on Thursday instead."
    assert (slip.decided_by, slip.decided_at) == (manager, NOW)
    told = Notification.objects.get(kind="slip_rejected")
    assert told.recipient == salesperson
    assert told.actor == manager
    assert told.body == "Go on Thursday instead."


def test_resubmitting_a_rejected_slip_clears_the_reason(salesperson, manager):
    slip = make_slip(salesperson, "rejected", manager=manager, reason="Wrong day.")
    assert slip.rejection_reason == "Wrong day."

    services.slip_submit(slip=slip, actor=salesperson)

    slip.refresh_from_db()
    assert slip.state == S.SUBMITTED
    assert slip.rejection_reason == ""


# --- departure: when the slip becomes overdue -----------------------------------------------


@pytest.mark.parametrize(
    ("departure", "expected_return", "overdue_at"),
    [
        pytest.param(
            at(2026, 3, 3, 9, 0), at(2026, 3, 3, 11, 0), at(2026, 3, 3, 11, 0), id="back first"
        ),
        pytest.param(
            at(2026, 3, 3, 9, 0),
            at(2026, 3, 3, 20, 0),
            at(2026, 3, 3, 18, 0),
            id="end of the working day first",
        ),
        pytest.param(
            at(2026, 2, 14, 9, 0),
            at(2026, 2, 14, 20, 0),
            at(2026, 2, 14, 18, 0),
            id="make-up Saturday is a working day",
        ),
        pytest.param(
            at(2026, 10, 1, 9, 0),
            at(2026, 10, 9, 10, 0),
            at(2026, 10, 8, 18, 0),
            id="holiday: end of the next working day",
        ),
        pytest.param(
            at(2026, 10, 1, 9, 0),
            at(2026, 10, 1, 11, 0),
            at(2026, 10, 1, 11, 0),
            id="holiday: the expected return first",
        ),
        pytest.param(
            at(2026, 3, 7, 9, 0),
            at(2026, 3, 9, 20, 0),
            at(2026, 3, 9, 18, 0),
            id="plain Saturday: Monday evening",
        ),
    ],
)
def test_a_departed_slip_is_overdue_at_its_return_or_the_end_of_the_working_day(
    salesperson, manager, front_desk, departure, expected_return, overdue_at
):
    slip = make_slip(
        salesperson,
        S.APPROVED,
        manager=manager,
        now=departure - timedelta(days=1),
        departure=departure,
        back=expected_return,
    )

    services.slip_depart(slip=slip, actor=front_desk, now=departure)

    slip.refresh_from_db()
    assert slip.state == S.DEPARTED
    assert (slip.departed_at, slip.departure_by) == (departure, front_desk)
    assert slip.overdue_at == overdue_at


def test_leaving_after_the_working_day_is_overdue_only_at_the_expected_return(
    salesperson, manager, front_desk
):
    slip = make_slip(
        salesperson,
        S.APPROVED,
        manager=manager,
        departure=at(2026, 3, 2, 19, 0),
        back=at(2026, 3, 2, 21, 0),
    )

    services.slip_depart(slip=slip, actor=front_desk, now=at(2026, 3, 2, 19, 0))

    slip.refresh_from_db()
    assert slip.overdue_at == at(2026, 3, 2, 21, 0)


def test_the_end_of_the_working_day_comes_from_the_policy(salesperson, manager, front_desk):
    Policy.objects.update_or_create(pk=1, defaults={"end_of_working_day": time(17, 30)})
    slip = make_slip(
        salesperson,
        S.APPROVED,
        manager=manager,
        departure=at(2026, 3, 2, 10, 0),
        back=at(2026, 3, 2, 20, 0),
    )

    services.slip_depart(slip=slip, actor=front_desk, now=at(2026, 3, 2, 10, 0))

    slip.refresh_from_db()
    assert slip.overdue_at == at(2026, 3, 2, 17, 30)


# --- late notice ------------------------------------------------------------------------------


@pytest.fixture
def out_slip(salesperson, manager, front_desk):
    """Out since 09:30 on Mon 2 Mar 2026, expected back at 11:00."""
    return make_slip(
        salesperson,
        S.DEPARTED,
        manager=manager,
        front_desk=front_desk,
        now=at(2026, 3, 2, 9, 0),
        departure=at(2026, 3, 2, 9, 30),
        back=at(2026, 3, 2, 11, 0),
    )


def test_a_late_notice_moves_the_return_and_the_overdue_moment_and_tells_the_manager(
    salesperson, manager, out_slip
):
    new_return = at(2026, 3, 2, 19, 0)

    services.slip_late_notice(
        slip=out_slip,
        actor=salesperson,
        new_return=new_return,
        text="Meeting runs long.",
        now=at(2026, 3, 2, 10, 45),
    )

    out_slip.refresh_from_db()
    assert out_slip.expected_return == new_return
    assert out_slip.overdue_at == new_return
    assert out_slip.late_notice_at == at(2026, 3, 2, 10, 45)
    assert out_slip.late_notice_text == "Meeting runs long."
    told = Notification.objects.get(kind="slip_late")
    assert (told.recipient, told.actor) == (manager, salesperson)
    assert "new return 2 Mar 2026 19:00." in notifications.message(told)
    assert told.body == "Meeting runs long."


def test_a_late_notice_with_a_time_in_the_past_is_refused(salesperson, out_slip):
    with pytest.raises(DomainError, match="future"):
        services.slip_late_notice(
            slip=out_slip,
            actor=salesperson,
            new_return=at(2026, 3, 2, 10, 0),
            now=at(2026, 3, 2, 10, 45),
        )

    out_slip.refresh_from_db()
    assert out_slip.expected_return == at(2026, 3, 2, 11, 0)
    assert out_slip.late_notice_at is None
    assert not Notification.objects.filter(kind="slip_late").exists()


@pytest.mark.parametrize("persona", ["teammate", "manager", "front_desk", "director"])
def test_a_late_notice_from_anyone_but_the_salesperson_is_refused(request, out_slip, persona):
    with pytest.raises(DomainError):
        services.slip_late_notice(
            slip=out_slip,
            actor=request.getfixturevalue(persona),
            new_return=at(2026, 3, 2, 19, 0),
            now=at(2026, 3, 2, 10, 45),
        )

    out_slip.refresh_from_db()
    assert out_slip.expected_return == at(2026, 3, 2, 11, 0)
    assert not Notification.objects.filter(kind="slip_late").exists()


@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED, S.APPROVED, S.RETURNED, S.CANCELLED])
def test_a_late_notice_for_a_slip_that_is_not_out_is_refused(salesperson, slip_in, state):
    slip = slip_in(state)
    expected_return = slip.expected_return

    with pytest.raises(DomainError, match="out"):
        services.slip_late_notice(
            slip=slip, actor=salesperson, new_return=expected_return + timedelta(days=1)
        )

    slip.refresh_from_db()
    assert slip.expected_return == expected_return
    assert slip.late_notice_at is None


# --- return: the visit log falls due --------------------------------------------------------


@pytest.mark.parametrize(
    ("returned_at", "due_at"),
    [
        pytest.param(at(2026, 3, 3, 11, 0), at(2026, 3, 5, 23, 59, 59, 999999), id="plain week"),
        pytest.param(
            at(2026, 3, 6, 11, 0), at(2026, 3, 10, 23, 59, 59, 999999), id="Friday: Tuesday"
        ),
        # Sat 14 Feb is a make-up working day; then the Spring Festival until Mon 23 Feb.
        pytest.param(
            at(2026, 2, 13, 11, 0), at(2026, 2, 24, 23, 59, 59, 999999), id="Spring Festival"
        ),
        # National Day 1-7 Oct; Thu 8 Oct is the first working day, Fri 9 Oct the second.
        pytest.param(
            at(2026, 9, 30, 11, 0), at(2026, 10, 9, 23, 59, 59, 999999), id="National Day"
        ),
        pytest.param(
            at(2026, 3, 6, 23, 30), at(2026, 3, 10, 23, 59, 59, 999999), id="late in the evening"
        ),
    ],
)
def test_a_return_opens_one_visit_log_due_at_the_end_of_the_second_working_day(
    salesperson, manager, front_desk, returned_at, due_at
):
    departure = returned_at - timedelta(hours=2)
    slip = make_slip(
        salesperson,
        S.DEPARTED,
        manager=manager,
        front_desk=front_desk,
        now=departure - timedelta(days=1),
        departure=departure,
        back=returned_at + timedelta(hours=1),
    )

    services.slip_return(slip=slip, actor=front_desk, now=returned_at)

    slip.refresh_from_db()
    assert slip.state == S.RETURNED
    assert (slip.returned_at, slip.return_by, slip.overdue_at) == (returned_at, front_desk, None)
    log = VisitLog.objects.get()
    assert log.slip == slip
    assert (log.customer, log.author) == (slip.customer, salesperson)
    assert log.due_at == due_at
    assert log.written_at is None


def test_the_working_days_of_the_log_deadline_match_the_official_calendar(db):
    # The dates above rest on the official 2026 schedule; check it says what they assume.
    calendar = work_calendar(today=date(2026, 1, 1))
    assert calendar.is_working_day(date(2026, 2, 14))  # make-up Saturday
    assert not any(calendar.is_working_day(date(2026, 2, d)) for d in range(15, 24))
    assert calendar.is_working_day(date(2026, 2, 24))
    assert not any(calendar.is_working_day(date(2026, 10, d)) for d in range(1, 8))
    assert calendar.is_working_day(date(2026, 10, 8))
    assert calendar.is_working_day(date(2026, 10, 10))  # make-up Saturday


def test_the_salesperson_may_register_their_own_return(salesperson, manager, front_desk):
    slip = make_slip(salesperson, S.DEPARTED, manager=manager, front_desk=front_desk)

    services.slip_return(slip=slip, actor=salesperson)

    slip.refresh_from_db()
    assert (slip.state, slip.return_by) == (S.RETURNED, salesperson)
    assert VisitLog.objects.filter(slip=slip).count() == 1


def test_a_second_return_is_refused_and_opens_no_second_log(salesperson, manager, front_desk):
    slip = make_slip(salesperson, S.RETURNED, manager=manager, front_desk=front_desk)

    with pytest.raises(DomainError):
        services.slip_return(slip=slip, actor=front_desk)

    assert VisitLog.objects.count() == 1


def test_a_completed_visit_meets_the_first_contact_deadline(salesperson, manager, front_desk):
    slip = make_slip(
        salesperson,
        S.RETURNED,
        manager=manager,
        front_desk=front_desk,
        departure=at(2026, 3, 2, 10, 0),
        back=at(2026, 3, 2, 12, 0),
    )

    slip.customer.refresh_from_db()
    assert slip.customer.first_contact_at == at(2026, 3, 2, 12, 0)


# --- cancel -----------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED, S.APPROVED])
@pytest.mark.parametrize("persona", ["salesperson", "manager"])
def test_a_slip_is_cancelled_before_departure_keeping_the_reason(request, slip_in, state, persona):
    slip = slip_in(state)

    services.slip_cancel(
        slip=slip, actor=request.getfixturevalue(persona), reason="  Customer is away.  "
    )

    slip.refresh_from_db()
    assert slip.state == S.CANCELLED
    assert slip.cancel_reason == "Customer is away."
    assert slip.cancelled_at == NOW


@pytest.mark.parametrize("state", [S.DEPARTED, S.RETURNED])
@pytest.mark.parametrize("persona", ["salesperson", "manager"])
def test_a_slip_cannot_be_cancelled_after_departure(request, slip_in, state, persona):
    slip = slip_in(state)

    with pytest.raises(DomainError):
        services.slip_cancel(slip=slip, actor=request.getfixturevalue(persona), reason="Too late")

    slip.refresh_from_db()
    assert slip.state == state
    assert slip.cancelled_at is None
    assert slip.cancel_reason == ""


# --- contact records (rule 2.1) ---------------------------------------------------------------


def contact(**fields):
    data = {"channel": "phone", "summary": "Called the marketing manager.", "brochure_sent": True}
    data.update(fields)
    return data


def test_the_owner_records_a_contact(salesperson):
    customer = make_customer(salesperson)

    record = services.contact_record_add(customer=customer, actor=salesperson, data=contact())

    record.refresh_from_db()
    assert (record.customer, record.author, record.contacted_at) == (customer, salesperson, NOW)
    assert record.channel == "phone"
    assert record.brochure_sent is True


@pytest.mark.parametrize("persona", ["teammate", "manager", "other_salesperson", "front_desk"])
def test_only_the_owner_records_a_contact(request, salesperson, persona):
    customer = make_customer(salesperson)

    with pytest.raises(DomainError, match="owner"):
        services.contact_record_add(
            customer=customer, actor=request.getfixturevalue(persona), data=contact()
        )

    assert not ContactRecord.objects.exists()
    customer.refresh_from_db()
    assert customer.first_contact_at is None


def test_the_first_contact_record_meets_the_first_contact_deadline_and_a_second_does_not_move_it(
    salesperson,
):
    customer = make_customer(salesperson, now=at(2026, 2, 27, 9, 0))
    assert customer.first_contact_at is None

    services.contact_record_add(
        customer=customer, actor=salesperson, data=contact(), now=at(2026, 3, 1, 10, 0)
    )
    services.contact_record_add(
        customer=customer, actor=salesperson, data=contact(), now=at(2026, 3, 2, 9, 0)
    )

    customer.refresh_from_db()
    assert customer.first_contact_at == at(2026, 3, 1, 10, 0)
    assert customer.contact_records.count() == 2


def test_a_meeting_booked_in_the_past_is_refused(salesperson):
    customer = make_customer(salesperson)

    with pytest.raises(DomainError, match="future"):
        services.contact_record_add(
            customer=customer,
            actor=salesperson,
            data=contact(meeting_at=NOW - timedelta(minutes=1)),
        )

    assert not ContactRecord.objects.exists()


def test_a_meeting_booked_in_the_future_is_kept(salesperson):
    customer = make_customer(salesperson)

    record = services.contact_record_add(
        customer=customer, actor=salesperson, data=contact(meeting_at=at(2026, 3, 4, 14, 0))
    )

    record.refresh_from_db()
    assert record.meeting_at == at(2026, 3, 4, 14, 0)


@pytest.mark.parametrize("summary", ["", "   \n", None])
def test_a_contact_record_without_a_summary_is_refused(salesperson, summary):
    customer = make_customer(salesperson)

    with pytest.raises(DomainError):
        services.contact_record_add(
            customer=customer, actor=salesperson, data=contact(summary=summary)
        )

    assert not ContactRecord.objects.exists()


# --- visit log (rule 2.4.5) -------------------------------------------------------------------


def log_data(**fields):
    data = {
        "person_met": "Li Na",
        "person_title": "Brand director",
        "person_phone": "13900139000",
        "decision_power": "yes",
        "needs": "More foot traffic on weekdays.",
        "notes": "Showed the spring package; interested in the lobby screens.",
        "outcome": "Wants a proposal.",
        "next_step": "Send the proposal.",
        "next_step_on": date(2026, 3, 5),
        "suggested_class": PipelineClass.POTENTIAL,
    }
    data.update(fields)
    return data


@pytest.fixture
def log(salesperson, manager, front_desk):
    return make_log(
        salesperson,
        manager=manager,
        front_desk=front_desk,
        departure=at(2026, 3, 2, 10, 0),
        back=at(2026, 3, 2, 12, 0),
    )


def test_the_author_writes_the_log_and_the_person_met_joins_the_customers_contacts(
    salesperson, log
):
    services.visit_log_write(log=log, actor=salesperson, data=log_data())

    log.refresh_from_db()
    assert log.written_at == NOW
    assert log.notes.startswith("Showed the spring package")
    assert log.suggested_class == PipelineClass.POTENTIAL
    added = log.customer.contact_people.get()
    assert (added.name, added.title, added.phone, added.decision_power) == (
        "Li Na",
        "Brand director",
        "13900139000",
        "yes",
    )


@pytest.mark.parametrize("persona", ["teammate", "manager", "director", "front_desk"])
def test_only_the_author_writes_the_log(request, log, persona):
    with pytest.raises(DomainError):
        services.visit_log_write(log=log, actor=request.getfixturevalue(persona), data=log_data())

    log.refresh_from_db()
    assert log.written_at is None
    assert log.notes == ""
    assert not log.customer.contact_people.exists()


@pytest.mark.parametrize("notes", ["", "  ", None])
def test_a_log_without_meeting_notes_is_refused(salesperson, log, notes):
    with pytest.raises(DomainError, match="notes"):
        services.visit_log_write(log=log, actor=salesperson, data=log_data(notes=notes))

    log.refresh_from_db()
    assert log.written_at is None
    assert not log.customer.contact_people.exists()


def test_a_log_without_a_next_step_date_is_written(salesperson, log):
    # The form gives None for an empty optional date.
    services.visit_log_write(
        log=log, actor=salesperson, data=log_data(next_step_on=None, suggested_class="")
    )

    log.refresh_from_db()
    assert log.written_at == NOW
    assert log.next_step_on is None
    assert log.suggested_class == ""


def test_a_person_met_already_on_file_is_not_added_twice(salesperson, manager, front_desk):
    customer = make_customer(
        salesperson, contact_people=[a_contact_person(name="Li Na", title="Buyer")]
    )
    log = make_log(salesperson, customer=customer, manager=manager, front_desk=front_desk)

    services.visit_log_write(log=log, actor=salesperson, data=log_data(person_met="  Li Na "))

    assert list(customer.contact_people.values_list("name", "title")) == [("Li Na", "Buyer")]


def test_editing_a_written_log_adds_no_contact(salesperson, log):
    services.visit_log_write(log=log, actor=salesperson, data=log_data())
    first_written = VisitLog.objects.get().written_at

    services.visit_log_write(
        log=log,
        actor=salesperson,
        data=log_data(person_met="Wang Fang", notes="Corrected notes."),
        now=NOW + timedelta(hours=3),
    )

    log.refresh_from_db()
    assert log.notes == "Corrected notes."
    assert log.written_at == first_written
    assert list(ContactPerson.objects.values_list("name", flat=True)) == ["Li Na"]


NOBODY = {"person_met": "", "met_nobody": True, "met_nobody_reason": "Only the receptionist."}


def test_a_person_first_named_on_a_later_edit_joins_the_contacts(salesperson, log):
    services.visit_log_write(log=log, actor=salesperson, data=log_data(**NOBODY))

    services.visit_log_write(log=log, actor=salesperson, data=log_data(person_met="Wang Fang"))

    assert list(ContactPerson.objects.values_list("name", flat=True)) == ["Wang Fang"]


def test_a_log_without_a_person_met_adds_no_contact(salesperson, log):
    services.visit_log_write(log=log, actor=salesperson, data=log_data(**NOBODY))

    assert not ContactPerson.objects.exists()


def test_the_suggested_class_is_applied_through_the_customers_class_history(salesperson, log):
    services.visit_log_write(log=log, actor=salesperson, data=log_data())
    log.refresh_from_db()

    services.apply_suggested_class(log=log, actor=salesperson)

    log.customer.refresh_from_db()
    assert log.customer.pipeline_class == PipelineClass.POTENTIAL
    change = ClassChange.objects.get()
    assert (change.customer, change.changed_by) == (log.customer, salesperson)
    assert (change.from_class, change.to_class) == (PipelineClass.UNCLASSIFIED, "potential")
    assert change.reason == "Suggested by the visit log of 2 Mar 2026"
    with translation.override("zh-hans"):
        assert "2026年3月2日" in change.reason_text
        assert "visit log" not in change.reason_text


def test_applying_a_class_when_none_is_suggested_is_refused(salesperson, log):
    services.visit_log_write(log=log, actor=salesperson, data=log_data(suggested_class=""))
    log.refresh_from_db()

    with pytest.raises(DomainError, match="no class"):
        services.apply_suggested_class(log=log, actor=salesperson)

    assert not ClassChange.objects.exists()
    log.customer.refresh_from_db()
    assert log.customer.pipeline_class == PipelineClass.UNCLASSIFIED


def test_a_log_write_leaves_a_history_row(salesperson, log):
    services.visit_log_write(log=log, actor=salesperson, data=log_data())

    assert log.history.order_by("-history_id").first().notes.startswith("Showed")


def test_a_person_met_whose_phone_is_another_customers_joins_without_it(salesperson, teammate, log):
    make_customer(teammate, name="Other Co", phone="13700001111")

    services.visit_log_write(
        log=log, actor=salesperson, data=log_data(person_met="Zhou Min", person_phone="13700001111")
    )

    contact = ContactPerson.objects.get(customer=log.customer, name="Zhou Min")
    assert contact.phone == ""
    log.refresh_from_db()
    assert log.person_phone == "13700001111"


# --- rule 2.3.1: whom the salesperson met -------------------------------------------------


@pytest.mark.parametrize(
    "empty",
    [
        {"person_met": ""},
        {"person_title": " "},
        {"decision_power": "unknown"},
        {"needs": ""},
        {"person_met": "", "person_title": "", "decision_power": "unknown", "needs": ""},
    ],
)
def test_a_log_without_the_person_met_their_title_power_or_the_needs_is_refused(
    salesperson, log, empty
):
    with pytest.raises(DomainError, match=r"rule 2\.3\.1"):
        services.visit_log_write(log=log, actor=salesperson, data=log_data(**empty))

    log.refresh_from_db()
    assert log.written_at is None
    assert not log.customer.contact_people.exists()


def test_met_nobody_with_a_reason_is_written_without_the_person(salesperson, log):
    services.visit_log_write(
        log=log,
        actor=salesperson,
        data=log_data(
            person_met="",
            person_title="",
            decision_power="unknown",
            needs="",
            met_nobody=True,
            met_nobody_reason="  The buyer was called away; saw the receptionist.  ",
        ),
    )

    log.refresh_from_db()
    assert log.written_at == NOW
    assert log.met_nobody is True
    assert log.met_nobody_reason == "The buyer was called away; saw the receptionist."


def test_met_nobody_without_a_reason_is_refused(salesperson, log):
    with pytest.raises(DomainError, match="why nobody"):
        services.visit_log_write(
            log=log,
            actor=salesperson,
            data=log_data(person_met="", needs="", met_nobody=True, met_nobody_reason=" "),
        )

    log.refresh_from_db()
    assert log.written_at is None


def test_the_rule_holds_on_a_later_edit_too(salesperson, log):
    services.visit_log_write(log=log, actor=salesperson, data=log_data())

    with pytest.raises(DomainError, match=r"rule 2\.3\.1"):
        services.visit_log_write(log=log, actor=salesperson, data={"notes": "x", "needs": ""})

    log.refresh_from_db()
    assert log.needs == "More foot traffic on weekdays."


def test_naming_the_person_clears_an_earlier_met_nobody_reason(salesperson, log):
    services.visit_log_write(log=log, actor=salesperson, data=log_data(**NOBODY))

    services.visit_log_write(log=log, actor=salesperson, data=log_data(met_nobody=False))

    log.refresh_from_db()
    assert (log.met_nobody, log.met_nobody_reason) == (False, "")


def test_a_picked_contact_person_fills_in_whom_the_salesperson_met(
    salesperson, manager, front_desk
):
    customer = make_customer(
        salesperson,
        contact_people=[
            a_contact_person(name="Li Na", title="Buyer", phone="13900139001", decision_power="yes")
        ],
    )
    log = make_log(salesperson, customer=customer, manager=manager, front_desk=front_desk)
    person = customer.contact_people.get()

    services.visit_log_write(
        log=log,
        actor=salesperson,
        data=log_data(
            contact_person=person,
            person_met="",
            person_title="",
            person_phone="",
            decision_power="unknown",
        ),
    )

    log.refresh_from_db()
    assert log.contact_person == person
    assert (log.person_met, log.person_title, log.person_phone, log.decision_power) == (
        "Li Na",
        "Buyer",
        "13900139001",
        "yes",
    )
    assert customer.contact_people.count() == 1


def test_another_customers_contact_person_cannot_be_picked(salesperson, teammate, log):
    other = make_customer(
        teammate, name="Other Co", contact_people=[a_contact_person(name="Zhou Min")]
    )

    with pytest.raises(DomainError, match="contact people"):
        services.visit_log_write(
            log=log,
            actor=salesperson,
            data=log_data(contact_person=other.contact_people.get()),
        )

    log.refresh_from_db()
    assert log.written_at is None
    assert log.contact_person is None


# --- the front desk undoes a registration it just made ----------------------------------

JUST_NOW = NOW + timedelta(hours=1)  # the planned departure of make_slip's slip


def registered(salesperson, front_desk, state):
    """A slip the front desk has just moved to `state` (at JUST_NOW, or an hour later)."""
    return make_slip(
        salesperson,
        state,
        front_desk=front_desk,
        departure=JUST_NOW,
        back=JUST_NOW + timedelta(hours=1),
        departed_at=JUST_NOW,
        returned_at=JUST_NOW + timedelta(hours=1),
    )


def test_the_desk_undoes_a_return_within_30_seconds_and_the_slip_is_out_again(
    salesperson, front_desk
):
    slip = registered(salesperson, front_desk, S.RETURNED)
    out_until = slip.history.filter(state=S.DEPARTED).latest("history_id").overdue_at

    services.slip_undo(slip=slip, actor=front_desk, now=slip.returned_at + timedelta(seconds=29))

    slip.refresh_from_db()
    assert slip.state == S.DEPARTED
    assert (slip.returned_at, slip.return_by) == (None, None)
    assert slip.overdue_at == out_until
    assert not VisitLog.objects.filter(slip=slip).exists()
    assert latest_history(slip).history_change_reason == "return undone"
    assert latest_history(slip).state == S.DEPARTED


def test_the_desk_undoes_a_departure_and_the_slip_is_approved_again(salesperson, front_desk):
    slip = registered(salesperson, front_desk, S.DEPARTED)

    services.slip_undo(slip=slip, actor=front_desk, now=slip.departed_at + timedelta(seconds=5))

    slip.refresh_from_db()
    assert slip.state == S.APPROVED
    assert (slip.departed_at, slip.departure_by, slip.overdue_at) == (None, None, None)
    assert latest_history(slip).history_change_reason == "departure undone"


@pytest.mark.parametrize("state", [S.DEPARTED, S.RETURNED])
def test_an_undo_after_30_seconds_is_refused(salesperson, front_desk, state):
    slip = registered(salesperson, front_desk, state)
    at_ = slip.returned_at if state == S.RETURNED else slip.departed_at

    with pytest.raises(DomainError, match="Too late"):
        services.slip_undo(slip=slip, actor=front_desk, now=at_ + timedelta(seconds=31))

    slip.refresh_from_db()
    assert slip.state == state


def test_only_the_desk_user_who_registered_can_undo(salesperson, front_desk):
    slip = registered(salesperson, front_desk, S.RETURNED)
    colleague = UserFactory(username="desk2", role=Role.FRONT_DESK)

    with pytest.raises(DomainError, match="registered it"):
        services.slip_undo(slip=slip, actor=colleague, now=slip.returned_at)

    slip.refresh_from_db()
    assert slip.state == S.RETURNED
    assert VisitLog.objects.filter(slip=slip).exists()


@pytest.mark.parametrize("persona", ["salesperson", "manager", "director"])
def test_no_one_but_the_desk_undoes(request, salesperson, front_desk, persona):
    slip = registered(salesperson, front_desk, S.RETURNED)

    with pytest.raises(DomainError, match="may not"):
        services.slip_undo(slip=slip, actor=request.getfixturevalue(persona), now=slip.returned_at)

    slip.refresh_from_db()
    assert slip.state == S.RETURNED


@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED, S.APPROVED, S.CANCELLED])
def test_there_is_nothing_to_undo_before_the_desk_registered_anything(
    salesperson, front_desk, state
):
    slip = make_slip(salesperson, state)

    with pytest.raises(DomainError, match="not possible"):
        services.slip_undo(slip=slip, actor=front_desk)

    slip.refresh_from_db()
    assert slip.state == state


def test_a_return_whose_log_is_written_cannot_be_undone(salesperson, front_desk):
    slip = registered(salesperson, front_desk, S.RETURNED)
    services.visit_log_write(log=slip.log, actor=salesperson, data=log_data())

    with pytest.raises(DomainError, match="already written"):
        services.slip_undo(slip=slip, actor=front_desk, now=slip.returned_at)

    slip.refresh_from_db()
    assert slip.state == S.RETURNED
