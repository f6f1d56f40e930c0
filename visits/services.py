"""Every change to contact records, visit slips and visit logs goes through these functions.

A slip moves only along TRANSITIONS (a salescrm.transitions table): each move locks the
slip, checks the table and the actor's capacity, saves with update_fields (history kept
by simple-history) and then tells the people concerned.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers import services as customer_services
from customers.models import Customer, DecisionPower
from salescrm import concurrency, notifications, people, stored_text
from salescrm import selectors as salescrm_selectors
from salescrm.errors import DomainError
from salescrm.models import User
from salescrm.permissions import Capability, can
from salescrm.transitions import Capacity, Transitions
from visits import rules
from visits.models import ContactRecord, SlipState, VisitLog, VisitSlip

OWNER, MANAGER, FRONT_DESK = Capacity.OWNER, Capacity.MANAGER, Capacity.FRONT_DESK

TRANSITIONS = Transitions(
    noun=_("slip"),
    table={
        (SlipState.DRAFT, SlipState.SUBMITTED): frozenset({OWNER}),
        (SlipState.SUBMITTED, SlipState.APPROVED): frozenset({MANAGER}),
        (SlipState.SUBMITTED, SlipState.DRAFT): frozenset({MANAGER}),  # rejected, with a reason
        (SlipState.APPROVED, SlipState.DEPARTED): frozenset({FRONT_DESK}),
        (SlipState.DEPARTED, SlipState.RETURNED): frozenset({FRONT_DESK, OWNER}),
        (SlipState.DRAFT, SlipState.CANCELLED): frozenset({OWNER, MANAGER}),
        (SlipState.SUBMITTED, SlipState.CANCELLED): frozenset({OWNER, MANAGER}),
        (SlipState.APPROVED, SlipState.CANCELLED): frozenset({OWNER, MANAGER}),
    },
)


def _capacities(actor: User, slip: VisitSlip) -> set[Capacity]:
    capacities = set()
    if actor.pk == slip.salesperson_id:
        capacities.add(OWNER)
    if people.manages(actor, slip.salesperson):
        capacities.add(MANAGER)
    if can(actor, Capability.RUN_DESK):
        capacities.add(FRONT_DESK)
    return capacities


def _lock(slip: VisitSlip) -> VisitSlip:
    return (
        VisitSlip.objects.select_for_update(of=("self",))
        .select_related("salesperson", "customer")
        .get(pk=slip.pk)
    )


def _move(slip: VisitSlip, actor: User, to_state: str) -> VisitSlip:
    """Lock the slip and check the move against TRANSITIONS; the caller saves."""
    locked = _lock(slip)
    TRANSITIONS.move(locked, to_state, _capacities(actor, locked))
    return locked


def _url(slip: VisitSlip) -> str:
    return reverse("visits:detail", kwargs={"pk": slip.pk})


def _notify(
    slip: VisitSlip, kind: str, recipients: list[User | None], actor: User, **params: object
) -> None:
    notifications.notify(
        recipients=recipients,
        kind=kind,
        actor=actor,
        params={"customer": slip.customer.name, **params},
        url=_url(slip),
        subject=slip,
    )


def overdue_from(planned_departure: datetime, expected_return: datetime) -> datetime:
    """The expected return, or the end of that working day, whichever comes first (rule 2.4.1)."""
    policy = salescrm_selectors.policy()
    local = timezone.localtime(planned_departure)
    calendar = salescrm_selectors.work_calendar(today=local.date())
    end_of_day = calendar.end_of_working_day(local, end_of_day=policy.end_of_working_day)
    if end_of_day <= planned_departure:
        # Leaving after the working day has ended: only the expected return counts.
        return expected_return
    return min(expected_return, end_of_day)


def visit_log_due(returned_at: datetime) -> datetime:
    """End of the N-th working day after the visit (rule 2.4.5)."""
    policy = salescrm_selectors.policy()
    day = timezone.localdate(returned_at)
    calendar = salescrm_selectors.work_calendar(today=day)
    return calendar.due_at(day, policy.visit_log_working_days, tz=timezone.get_current_timezone())


# --- contact records (rule 2.1) ----------------------------------------------------------

CONTACT_RECORD_FIELDS = [
    "channel", "brochure_sent", "proposal_sent", "receipt_confirmed", "meeting_at", "summary",
]  # fmt: skip


def contact_record_add(
    *, customer: Customer, actor: User, data: dict, now: datetime | None = None
) -> ContactRecord:
    """Record a contact; the first one after an assignment meets the first-contact deadline."""
    now = now or timezone.now()
    if actor.pk != customer.owner_id:
        raise DomainError(_("Only the customer's owner records contacts."))
    if not (data.get("summary") or "").strip():
        raise DomainError(_("Write what was said or sent."))
    if data.get("meeting_at") and data["meeting_at"] < now:
        raise DomainError(_("A meeting booked must be in the future."))
    with transaction.atomic():
        record = ContactRecord.objects.create(
            customer=customer,
            author=actor,
            contacted_at=now,
            **{field: data[field] for field in CONTACT_RECORD_FIELDS if field in data},
        )
        customer_services.customer_contacted(customer=customer, at=now)
    return record


# --- visit slips (rule 2.4) ---------------------------------------------------------------

SLIP_FIELDS = [
    "plan", "planned_departure", "expected_return", "recent_status", "purpose", "objectives",
    "likely_issues",
]  # fmt: skip
PRE_VISIT_FIELDS = ["recent_status", "purpose", "objectives", "likely_issues"]


def is_revisit(customer: Customer) -> bool:
    """The customer already had a completed visit: the next one needs a pre-visit report."""
    return VisitSlip.objects.filter(customer=customer, state=SlipState.RETURNED).exists()


def _check_times(planned_departure: datetime, expected_return: datetime, *, now: datetime) -> None:
    if expected_return <= planned_departure:
        raise DomainError(_("The expected return must be after the departure."))
    if planned_departure < now - timedelta(hours=1):
        raise DomainError(_("The planned departure is in the past."))


def slip_create(
    *,
    customer: Customer,
    actor: User,
    data: dict,
    contact_record: ContactRecord | None = None,
    now: datetime | None = None,
) -> VisitSlip:
    """A draft visit slip for one of the salesperson's own customers."""
    now = now or timezone.now()
    if not can(actor, Capability.SELL) or customer.owner_id != actor.pk:
        raise DomainError(_("Only the customer's owner plans a visit."))
    if not (data.get("plan") or "").strip():
        raise DomainError(_("Write the visit plan and its objectives."))
    _check_times(data["planned_departure"], data["expected_return"], now=now)
    return VisitSlip.objects.create(
        customer=customer,
        salesperson=actor,
        contact_record=contact_record,
        created_at=now,
        is_revisit=is_revisit(customer),
        **{field: data.get(field, "") for field in SLIP_FIELDS},
    )


def slip_update(
    *,
    slip: VisitSlip,
    actor: User,
    data: dict,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> VisitSlip:
    """Change a draft (a rejected slip is a draft again); StaleEdit if the form is old."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(slip)
        if locked.state != SlipState.DRAFT:
            raise DomainError(_("Only a draft slip can be changed."))
        if actor.pk != locked.salesperson_id:
            raise DomainError(_("Only the salesperson changes their slip."))
        concurrency.check(locked, expected_version, submitted=data)
        changed = [f for f in SLIP_FIELDS if f in data and getattr(locked, f) != data[f]]
        for field in changed:
            setattr(locked, field, data[field])
        _check_times(locked.planned_departure, locked.expected_return, now=now)
        if changed:
            locked.save(update_fields=changed)
    return locked


def slip_submit(*, slip: VisitSlip, actor: User, now: datetime | None = None) -> VisitSlip:
    """Send the plan to the manager; a revisit needs the pre-visit report (rule 3.2)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _move(slip, actor, SlipState.SUBMITTED)
        locked.is_revisit = is_revisit(locked.customer)
        missing = [f for f in PRE_VISIT_FIELDS if not getattr(locked, f).strip()]
        if locked.is_revisit and missing:
            raise DomainError(
                _("This is a revisit: fill in the pre-visit report (%(fields)s)."),
                fields=", ".join(str(VisitSlip._meta.get_field(f).verbose_name) for f in missing),
            )
        _check_times(locked.planned_departure, locked.expected_return, now=now)
        locked.submitted_at = now
        locked.rejection_reason = ""
        locked.save(update_fields=["state", "is_revisit", "submitted_at", "rejection_reason"])
        notifications.resolve(subject=locked, kinds=["slip_rejected"])
    _notify(locked, "slip_submitted", [people.manager_of(locked.salesperson)], actor)
    return locked


def slip_approve(*, slip: VisitSlip, actor: User, now: datetime | None = None) -> VisitSlip:
    now = now or timezone.now()
    with transaction.atomic():
        locked = _move(slip, actor, SlipState.APPROVED)
        locked.decided_by, locked.decided_at = actor, now
        locked.save(update_fields=["state", "decided_by", "decided_at"])
        notifications.resolve(subject=locked, kinds=["slip_submitted"])
    _notify(locked, "slip_approved", [locked.salesperson], actor)
    return locked


def slips_approve(
    *, slips: Iterable[VisitSlip], actor: User, now: datetime | None = None
) -> tuple[list[VisitSlip], list[tuple[VisitSlip, DomainError]]]:
    """Approve several slips, each on its own (one refused leaves the others approved).

    Returns (approved, [(slip, why it was refused), ...]).
    """
    approved, refused = [], []
    for slip in slips:
        try:
            approved.append(slip_approve(slip=slip, actor=actor, now=now))
        except DomainError as error:
            refused.append((slip, error))
    return approved, refused


def slip_reject(
    *, slip: VisitSlip, actor: User, reason: str, now: datetime | None = None
) -> VisitSlip:
    """Back to draft with the manager's reason."""
    now = now or timezone.now()
    if not reason.strip():
        raise DomainError(_("Say why the slip is rejected."))
    with transaction.atomic():
        locked = _move(slip, actor, SlipState.DRAFT)
        locked.decided_by, locked.decided_at = actor, now
        locked.rejection_reason = reason.strip()
        locked.save(update_fields=["state", "decided_by", "decided_at", "rejection_reason"])
        notifications.resolve(subject=locked, kinds=["slip_submitted"])
    notifications.notify(
        recipients=[locked.salesperson],
        kind="slip_rejected",
        actor=actor,
        params={"customer": locked.customer.name},
        url=_url(locked),
        body=reason.strip(),
        subject=locked,
    )
    return locked


def slip_depart(*, slip: VisitSlip, actor: User, now: datetime | None = None) -> VisitSlip:
    """The front desk registers the departure; only an approved slip may leave."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _move(slip, actor, SlipState.DEPARTED)
        locked.departed_at, locked.departure_by = now, actor
        locked.overdue_at = overdue_from(now, locked.expected_return)
        locked.save(update_fields=["state", "departed_at", "departure_by", "overdue_at"])
    return locked


def slip_return(*, slip: VisitSlip, actor: User, now: datetime | None = None) -> VisitSlip:
    """The return is registered; the visit's log falls due (rule 2.4.5)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _move(slip, actor, SlipState.RETURNED)
        locked.returned_at, locked.return_by = now, actor
        locked.overdue_at = None
        locked.save(update_fields=["state", "returned_at", "return_by", "overdue_at"])
        notifications.resolve(subject=locked, kinds=["slip_overdue"])
        VisitLog.objects.create(
            slip=locked,
            customer=locked.customer,
            author=locked.salesperson,
            due_at=visit_log_due(now),
        )
        # Meeting the customer is a contact: it meets a first-contact deadline too.
        customer_services.customer_contacted(customer=locked.customer, at=now)
    return locked


# The front desk may take back a registration it just made (a wrong card tapped).
UNDO_SECONDS = 30
# Undoing is a move of its own, checked like every other: only the desk goes back.
UNDO_TRANSITIONS = Transitions(
    noun=_("slip"),
    table={
        (SlipState.DEPARTED, SlipState.APPROVED): frozenset({FRONT_DESK}),
        (SlipState.RETURNED, SlipState.DEPARTED): frozenset({FRONT_DESK}),
    },
)


def undo_until(slip: VisitSlip) -> datetime | None:
    """Until when the desk's last registration on `slip` may be undone (None: nothing to undo)."""
    at = {SlipState.DEPARTED: slip.departed_at, SlipState.RETURNED: slip.returned_at}.get(
        slip.state
    )
    return at + timedelta(seconds=UNDO_SECONDS) if at else None


def slip_undo(*, slip: VisitSlip, actor: User, now: datetime | None = None) -> VisitSlip:
    """Take back a departure or a return the same desk user registered under 30 s ago.

    A departure undone: approved again, waiting to leave. A return undone: out again, its
    overdue moment back, and the log that fell due is withdrawn (unless already written).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(slip)
        registered_by = {
            SlipState.DEPARTED: locked.departure_by_id,
            SlipState.RETURNED: locked.return_by_id,
        }.get(locked.state)
        to_state = {
            SlipState.DEPARTED: SlipState.APPROVED,
            SlipState.RETURNED: SlipState.DEPARTED,
        }.get(locked.state, locked.state)
        deadline = undo_until(locked)
        UNDO_TRANSITIONS.move(locked, to_state, _capacities(actor, locked))
        if registered_by != actor.pk:
            raise DomainError(_("Only the person who registered it can undo it."))
        if now > deadline:
            raise DomainError(
                _("Too late to undo: a registration can be undone for %(seconds)s seconds."),
                seconds=UNDO_SECONDS,
            )
        if to_state == SlipState.APPROVED:
            locked.departed_at = locked.departure_by = locked.overdue_at = None
            locked.overdue_flagged_at = None
            fields = ["state", "departed_at", "departure_by", "overdue_at", "overdue_flagged_at"]
            locked._change_reason = "departure undone"
        else:
            log = VisitLog.objects.select_for_update().filter(slip=locked).first()
            if log is not None and log.written_at is not None:
                raise DomainError(_("The visit log is already written: the return stays."))
            if log is not None:
                log.delete()
            locked.returned_at = locked.return_by = None
            # Out again: overdue as before the return (a late notice had set its own time).
            locked.overdue_at = (
                locked.expected_return
                if locked.late_notice_at
                else overdue_from(locked.departed_at, locked.expected_return)
            )
            fields = ["state", "returned_at", "return_by", "overdue_at"]
            locked._change_reason = "return undone"
        locked.save(update_fields=fields)
    return locked


def slip_cancel(
    *, slip: VisitSlip, actor: User, reason: str = "", now: datetime | None = None
) -> VisitSlip:
    """Cancel before departure."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _move(slip, actor, SlipState.CANCELLED)
        locked.cancelled_at, locked.cancel_reason = now, reason.strip()
        locked.save(update_fields=["state", "cancelled_at", "cancel_reason"])
        notifications.resolve(subject=locked, kinds=["slip_submitted", "slip_rejected"])
    return locked


def slip_late_notice(
    *,
    slip: VisitSlip,
    actor: User,
    new_return: datetime,
    text: str = "",
    now: datetime | None = None,
) -> VisitSlip:
    """The salesperson, still out, tells the manager of a new return time (rule 2.4.1)."""
    now = now or timezone.now()
    if new_return <= now:
        raise DomainError(_("The new return time must be in the future."))
    with transaction.atomic():
        locked = _lock(slip)
        if locked.state != SlipState.DEPARTED:
            raise DomainError(_("Only a slip that is out can send a late notice."))
        if actor.pk != locked.salesperson_id:
            raise DomainError(_("Only the salesperson sends a late notice."))
        locked.expected_return = new_return
        locked.overdue_at = new_return
        locked.late_notice_at = now
        locked.late_notice_text = text.strip()
        locked.overdue_flagged_at = None  # a new time: a new miss is flagged again
        locked.save(
            update_fields=[
                "expected_return",
                "overdue_at",
                "late_notice_at",
                "late_notice_text",
                "overdue_flagged_at",
            ]
        )
        # A new return time: the late return no longer waits (a new miss is flagged again).
        notifications.resolve(subject=locked, kinds=["slip_overdue"])
    notifications.notify(
        recipients=[people.manager_of(locked.salesperson)],
        kind="slip_late",
        actor=actor,
        params={
            "customer": locked.customer.name,
            "time": notifications.when(new_return),
        },
        url=_url(locked),
        body=text.strip(),
        subject=locked,
    )
    return locked


# --- visit logs (rule 2.4.5) ------------------------------------------------------------

LOG_FIELDS = [
    "person_met", "person_title", "person_phone", "decision_power", "needs", "met_nobody",
    "met_nobody_reason", "contact_person", "notes", "outcome", "next_step", "next_step_on",
    "suggested_class",
]  # fmt: skip
# What a picked contact person fills in when the log leaves it empty.
FROM_CONTACT_PERSON = {
    "person_met": "name", "person_title": "title", "person_phone": "phone",
    "decision_power": "decision_power",
}  # fmt: skip


def _log_refusal(missing: list[str]) -> DomainError:
    if missing == ["met_nobody_reason"]:
        return DomainError(_("Say why nobody was met, or why you could not learn who or what."))
    return DomainError(
        _(
            "Say whom you met (%(fields)s), or choose “met nobody / not known” "
            "and say why (rule 2.3.1)."
        ),
        fields=", ".join(str(VisitLog._meta.get_field(f).verbose_name) for f in missing),
    )


def visit_log_write(
    *,
    log: VisitLog,
    actor: User,
    data: dict,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> VisitLog:
    """Write the log; the person met joins the customer's contact people.

    Rule 2.3.1: the person met, their title and decision power, and the customer's needs,
    or an explicit "met nobody / not known" with the reason (the manager sees it).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = VisitLog.objects.select_for_update().select_related("customer").get(pk=log.pk)
        if actor.pk != locked.author_id:
            raise DomainError(_("Only the salesperson who visited writes the log."))
        concurrency.check(locked, expected_version, submitted=data)
        if not (data.get("notes") or "").strip():
            raise DomainError(_("Write the meeting notes."))
        picked = data.get("contact_person")
        if picked is not None and picked.customer_id != locked.customer_id:
            raise DomainError(_("Pick one of this customer's contact people."))
        # The person met joins the contacts once: when the log first names them.
        named_before = bool(locked.person_met.strip())
        for field in LOG_FIELDS:
            if field in data:
                value = data[field]
                # An empty text field is "", an empty date (next_step_on) stays None.
                if value is None and not VisitLog._meta.get_field(field).null:
                    value = ""
                setattr(locked, field, value)
        if picked is not None:
            for field, source in FROM_CONTACT_PERSON.items():
                current = getattr(locked, field)
                if not str(current).strip() or current == DecisionPower.UNKNOWN:
                    setattr(locked, field, getattr(picked, source))
        if not locked.met_nobody:
            locked.met_nobody_reason = ""
        locked.met_nobody_reason = locked.met_nobody_reason.strip()
        missing = rules.log_missing({f: getattr(locked, f) for f in LOG_FIELDS})
        if missing:
            raise _log_refusal(missing)
        locked.written_at = locked.written_at or now
        locked.save(update_fields=[*LOG_FIELDS, "written_at"])
        notifications.resolve(subject=locked, kinds=["log_overdue"])
        name = locked.person_met.strip()
        if (
            not named_before
            and name
            and picked is None
            and not locked.customer.contact_people.filter(name=name).exists()
        ):
            _add_person_met(locked, actor=actor, now=now)
    return locked


def _add_person_met(log: VisitLog, *, actor: User, now: datetime) -> None:
    person = customer_services.ContactPersonData(
        name=log.person_met.strip(),
        title=log.person_title,
        phone=log.person_phone,
        decision_power=log.decision_power,
    )
    try:
        with transaction.atomic():
            customer_services.contact_person_save(
                customer=log.customer, actor=actor, data=person, now=now
            )
    except customer_services.DuplicateCustomer:
        # The phone identifies another customer on file: keep the person, the log keeps
        # the number, and the first record still wins.
        person.phone = ""
        customer_services.contact_person_save(
            customer=log.customer, actor=actor, data=person, now=now
        )


def apply_suggested_class(*, log: VisitLog, actor: User, now: datetime | None = None) -> None:
    """The owner takes the class the log suggests (kept in the class history)."""
    if not log.suggested_class:
        raise DomainError(_("The log suggests no class."))
    customer_services.customer_change_class(
        customer=log.customer,
        actor=actor,
        to_class=log.suggested_class,
        reason_code="visit_log",
        reason_params={"day": stored_text.day(timezone.localdate(log.slip.returned_at))},
        now=now,
    )


def slip_moves(slip: VisitSlip, user: User) -> set[str]:
    """The states `user` may move `slip` to now (for showing the right buttons)."""
    return TRANSITIONS.moves(slip.state, _capacities(user, slip))
