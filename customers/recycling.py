"""Pool rules (公海规则): customers nobody follows up go back to the public pool.

The company's policy, set by the administrator per pipeline class (RecycleRule, history
kept): an owned customer with no follow-up for N working days returns to the pool.
Follow-up is the latest of its last contact (contact record, completed visit), its
assignment and its entry. The owner is warned `warning_working_days` before; the manager
may grant one extension, or lock a key customer for a period. Exempt: classes that are not
in a rule (letter of intent, signed), and whatever the exemption hooks say (an open plan or
agreement, money outstanding): the apps above register them from AppConfig.ready()
(`register_exemption`), as customers may not import them.

Dates: a customer last followed up on day b returns once the end of the N-th working day
after b has passed (`add_working_days(b, N + extension)` < today). The job finds them
set-based, per rule, with the latest day b that is due (`latest_start`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Exists, F, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Assignment, Customer, RecycleRule
from salescrm import notifications, people
from salescrm import selectors as salescrm_selectors
from salescrm.errors import DomainError
from salescrm.models import User
from salescrm.permissions import Capability, can
from salescrm.workdays import WorkCalendar, local_midnight

# Why a customer went back to the pool (Customer.return_reason), shown on the pool page.
RETURN_REASONS = {
    "recycled": _("Not followed up for %(days)s working days"),
    "left": _("The owner left"),
}

# name -> callable(today) giving an Exists(...) (or Q) on Customer: customers it keeps owned.
EXEMPTIONS: dict[str, Callable[[date], Exists | Q]] = {}


def register_exemption(name: str, condition: Callable[[date], Exists | Q]) -> None:
    """A higher app declares customers that never return to the pool (from its ready())."""
    EXEMPTIONS[name] = condition


def latest_start(calendar: WorkCalendar, limit: date, n: int) -> date:
    """The latest day b whose n-th working day after it is on or before `limit`."""
    return calendar.add_working_days(limit + timedelta(days=1), -n) - timedelta(days=1)


def followed_up():
    """The moment a customer was last followed up (an annotation)."""
    return Greatest("last_activity_at", "assigned_at", "entered_at")


def candidates(today: date) -> QuerySet[Customer]:
    """Owned customers that may return: not locked, not exempt (annotated `followed_up`)."""
    qs = Customer.objects.filter(owner__isnull=False).exclude(recycle_locked_until__gte=today)
    for condition in EXEMPTIONS.values():
        qs = qs.exclude(condition(today))
    return qs.annotate(followed_up=followed_up())


def _rules() -> list[RecycleRule]:
    return list(RecycleRule.objects.filter(active=True))


def _extensions(rule: RecycleRule, qs: QuerySet) -> list[int]:
    return list(
        qs.filter(pipeline_class=rule.pipeline_class)
        .order_by()
        .values_list("recycle_extension_days", flat=True)
        .distinct()
    )


def due_by(calendar: WorkCalendar, limit: date, tz, today: date, rules=None) -> QuerySet:
    """Candidates whose return day is on or before `limit`, in one query."""
    condition = Q(pk__in=[])
    base = candidates(today)
    for rule in rules if rules is not None else _rules():
        for extra in _extensions(rule, base):
            last = latest_start(calendar, limit, rule.working_days + extra)
            condition |= Q(
                pipeline_class=rule.pipeline_class,
                recycle_extension_days=extra,
                followed_up__lt=local_midnight(last + timedelta(days=1), tz=tz),
            )
    return base.filter(condition)


@dataclass(frozen=True)
class ReturnDue:
    day: date  # the last working day it stays owned
    working_days_left: int  # 0: it returns at the end of today


def returns_due(rows, *, now: datetime, calendar: WorkCalendar) -> dict[int, ReturnDue]:
    """pk -> when each of `rows` (from `candidates`, annotated) returns; one query."""
    today = timezone.localdate(now)
    rules = {rule.pipeline_class: rule for rule in _rules()}
    found = {}
    for row in rows:
        rule = rules.get(row.pipeline_class)
        if rule is None:
            continue
        start = timezone.localdate(row.followed_up)
        day = calendar.add_working_days(start, rule.working_days + row.recycle_extension_days)
        left = max(0, calendar.working_days_between(today, day))
        found[row.pk] = ReturnDue(day=day, working_days_left=left)
    return found


def return_due(customer: Customer, *, now: datetime, calendar: WorkCalendar) -> ReturnDue | None:
    """When this customer returns to the pool if nobody follows it up (None: it does not)."""
    row = candidates(timezone.localdate(now)).filter(pk=customer.pk).first()
    if row is None:
        return None
    return returns_due([row], now=now, calendar=calendar).get(row.pk)


def about_to_return(user: User, *, now: datetime, calendar: WorkCalendar) -> QuerySet[Customer]:
    """`user`'s customers within the warning window, the soonest first."""
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    qs = candidates(today).none()
    for rule in _rules():
        limit = calendar.add_working_days(today, rule.warning_working_days)
        qs = qs | due_by(calendar, limit, tz, today, rules=[rule]).filter(owner=user)
    return qs.order_by("followed_up", "pk")


# What a new ownership starts afresh.
RESET_FIELDS = [
    "recycle_warned_at", "recycle_extension_days", "recycle_extension_reason",
    "recycle_locked_until", "recycle_lock_reason",
]  # fmt: skip


# --- the job -------------------------------------------------------------------------------------


def pool_returns(*, now: datetime) -> dict:
    """Warn owners of customers about to return; return the due ones to the pool."""
    from salescrm.jobs import claim_due, flag_due

    calendar = salescrm_selectors.work_calendar(today=timezone.localdate(now))
    tz = timezone.get_current_timezone()
    today = timezone.localdate(now)
    rules = {rule.pipeline_class: rule for rule in _rules()}
    yesterday = today - timedelta(days=1)
    due = due_by(calendar, yesterday, tz, today, rules=rules.values())

    def give_back(rows: list) -> int:
        from customers.services import customer_url, owners_assign

        managers = people.managers_of(row.owner for row in rows)
        told = []
        for row in rows:
            days = rules[row.pipeline_class].working_days + row.recycle_extension_days
            params = {"customer": row.name, "owner": str(row.owner), "days": days}
            for person in {row.owner, managers.get(row.owner.team_id)} - {None}:
                told.append((person, "pool_returned", params, customer_url(row), row))
            row.former_owner = row.owner
            row.returned_to_pool_at = now
            row.return_reason = "recycled"
            row.recycle_warned_at = None
            row.recycle_extension_days = 0
            row.recycle_extension_reason = ""
            row.recycle_locked_until = None
            row.recycle_lock_reason = ""
        owners_assign(
            [(row, None) for row in rows], actor=None, reason=Assignment.Reason.RECYCLED, now=now
        )
        Customer.objects.bulk_update(
            rows, ["former_owner", "returned_to_pool_at", "return_reason", *RESET_FIELDS]
        )
        notifications.resolve_many(
            model=Customer, ids=[row.pk for row in rows], kinds=["pool_return_warning"], now=now
        )
        notifications.notify_many(told)
        return len(rows)

    returned = claim_due(due, handle=give_back, related=("owner",))
    warned = 0
    for rule in rules.values():
        limit = calendar.add_working_days(today, rule.warning_working_days)
        warned += flag_due(
            due_by(calendar, limit, tz, today, rules=[rule]).filter(
                Q(recycle_warned_at__isnull=True) | Q(recycle_warned_at__lt=F("followed_up"))
            ),
            changes={"recycle_warned_at": now},
            reason="pool: warned of the return",
            related=("owner",),
            tell=lambda rows, rule=rule: _warnings(rows, rule, calendar),
        )
    return {"customers returned to the pool": returned, "owners warned": warned}


def _warnings(rows, rule: RecycleRule, calendar: WorkCalendar):
    from customers.services import customer_url

    for row in rows:
        start = timezone.localdate(row.followed_up)
        day = calendar.add_working_days(start, rule.working_days + row.recycle_extension_days)
        params = {"customer": row.name, "due": day.isoformat()}
        yield (row.owner, "pool_return_warning", params, customer_url(row), row)


# --- the manager's extension and lock ------------------------------------------------------------


def _manager_lock(actor: User, customer: Customer) -> Customer:
    if not can(actor, Capability.MANAGE_TEAM):
        raise DomainError(_("Only a sales manager extends or locks a customer."))
    locked = (
        Customer.objects.select_for_update(of=("self",)).select_related("owner").get(pk=customer.pk)
    )
    if locked.owner is None or not people.manages(actor, locked.owner):
        raise DomainError(_("%(customer)s is not owned in your team."), customer=locked.name)
    return locked


def grant_extension(*, customer: Customer, actor: User, reason: str) -> Customer:
    """The manager's one extension of the return to the pool, with a reason."""
    if not reason.strip():
        raise DomainError(_("Say why the customer gets more time."))
    with transaction.atomic():
        locked = _manager_lock(actor, customer)
        if locked.recycle_extension_days:
            raise DomainError(_("%(customer)s already had its extension."), customer=locked.name)
        rule = RecycleRule.objects.filter(pipeline_class=locked.pipeline_class).first()
        if rule is None:
            raise DomainError(_("%(customer)s does not return to the pool."), customer=locked.name)
        locked.recycle_extension_days = rule.extension_working_days
        locked.recycle_extension_reason = reason.strip()
        locked._change_reason = "pool: extension"
        locked.save(update_fields=["recycle_extension_days", "recycle_extension_reason"])
    return locked


def lock(*, customer: Customer, actor: User, until: date, reason: str) -> Customer:
    """The manager keeps a key customer out of the pool until `until`, with a reason."""
    if not reason.strip():
        raise DomainError(_("Say why the customer is kept out of the pool."))
    with transaction.atomic():
        locked = _manager_lock(actor, customer)
        locked.recycle_locked_until = until
        locked.recycle_lock_reason = reason.strip()
        locked._change_reason = "pool: lock"
        locked.save(update_fields=["recycle_locked_until", "recycle_lock_reason"])
    return locked


def days_left_text(due: ReturnDue) -> str:
    """ "returns to the pool in 3 working days", in the active language."""
    from django.utils.translation import ngettext

    if due.working_days_left == 0:
        return str(_("returns to the pool after today"))
    return ngettext(
        "returns to the pool in %(count)d working day",
        "returns to the pool in %(count)d working days",
        due.working_days_left,
    ) % {"count": due.working_days_left}
