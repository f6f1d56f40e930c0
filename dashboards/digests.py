"""The weekly digests and the manager's daily brief: one e-mail per person and period, never two.

Each e-mail is claimed first by inserting a DigestSent row (unique per person, kind
and period) and sent after; a second run, or a second worker at the same moment,
finds the row and skips. A failed send deletes the claim, so the next run sends it.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from contracts.models import Agreement, AgreementState
from contracts.selectors import agreements_to_approve, plans_to_review, signed_between
from customers import recycling
from customers.models import (
    Assignment,
    Customer,
    CustomerNote,
    PipelineClass,
    SourceChannel,
)
from customers.selectors import claims_to_decide, pending_checks
from receivables.models import Instalment
from reports import compliance
from reports.periods import Period
from reports.scope import Scope
from salescrm import mail, people
from salescrm.models import DigestSent, User
from salescrm.permissions import Capability, can, roles_with
from salescrm.selectors import policy, work_calendar
from salescrm.workdays import local_midnight, monday_of
from visits.models import SlipState, VisitLog, VisitSlip
from visits.selectors import approval_queue, week_counts

# Rows listed in one table of a digest (the counts cover all of them).
LIST_SIZE = 20
COMING_VISIT_DAYS = 7

# Which weekly digest a person gets, by what they do; the first that applies.
WEEKLY_TEMPLATES = {
    Capability.SELL: "digest_sales",
    Capability.MANAGE_TEAM: "digest_manager",
    Capability.SEE_COMPANY: "digest_director",
}


def _weekly_kind(user: User) -> Capability:
    return next(capability for capability in WEEKLY_TEMPLATES if can(user, capability))


def _midnight(day: date) -> datetime:
    return local_midnight(day, tz=timezone.get_current_timezone())


def _recipients(kind: str, period: date, capabilities) -> list[User]:
    """Active people holding any of `capabilities`, with an address, who have not had this
    digest yet."""
    roles = {role for capability in capabilities for role in roles_with(capability)}
    already = DigestSent.objects.filter(recipient=OuterRef("pk"), kind=kind, period_start=period)
    return list(
        User.objects.filter(is_active=True, role__in=roles)
        .exclude(email="")
        .exclude(Exists(already))
        .select_related("team")
        .order_by("pk")
    )


def _claim_and_send(
    user: User, kind: str, period: date, *, now: datetime, name: str, context: dict, dry_run: bool
) -> bool:
    """Claim this person's digest for the period, then send it; False if someone else has."""
    try:
        with transaction.atomic():
            claim = DigestSent.objects.create(
                recipient=user, kind=kind, period_start=period, sent_at=now
            )
    except IntegrityError:
        return False
    if dry_run:
        return True
    try:
        mail.send_mail(
            name,
            {**context, "recipient": user, "site_url": settings.SITE_URL},
            to=[user.email],
            language=user.language or settings.LANGUAGE_CODE,
        )
    except Exception:
        claim.delete()
        raise
    return True


def _count_by(queryset, field: str) -> dict:
    return dict(queryset.values_list(field).annotate(n=Count("pk")).order_by())


def _person_stats(
    members: list[User], *, start: datetime, end: datetime, now: datetime
) -> dict[int, dict]:
    """Per person: new files and visits done in [start, end), overdue files and logs now."""
    ids = [p.pk for p in members]
    new_files = _count_by(
        Customer.objects.filter(entered_by_id__in=ids, entered_at__gte=start, entered_at__lt=end),
        "entered_by_id",
    )
    visits = week_counts(members, day=start.date())
    overdue_files = _count_by(
        Customer.objects.file_overdue(now).filter(owner_id__in=ids), "owner_id"
    )
    overdue_logs = _count_by(VisitLog.objects.overdue(now).filter(author_id__in=ids), "author_id")
    return {
        pk: {
            "new_files": new_files.get(pk, 0),
            "visits_done": visits.get(pk, {}).get("done", 0),
            "overdue_files": overdue_files.get(pk, 0),
            "overdue_logs": overdue_logs.get(pk, 0),
        }
        for pk in ids
    }


def _overdue_instalments(ids: list[int], *, now: datetime):
    """The overdue (逾期) instalments of these salespeople's agreements, the oldest first."""
    return (
        Instalment.objects.overdue(now)
        .filter(plan__agreement__salesperson_id__in=ids)
        .select_related("plan__agreement__customer", "plan__agreement__salesperson")
        .order_by("due_at", "pk")
    )


def _overdue_by_person(ids: list[int], *, now: datetime) -> dict[int, list[Instalment]]:
    """{salesperson id: their overdue instalments, the oldest first (one query)}."""
    grouped: dict[int, list[Instalment]] = {}
    for instalment in _overdue_instalments(ids, now=now):
        grouped.setdefault(instalment.plan.agreement.salesperson_id, []).append(instalment)
    return grouped


def _coming_visits(members: list[User], *, now: datetime) -> dict[int, list[VisitSlip]]:
    slips = (
        VisitSlip.objects.filter(
            salesperson__in=members,
            state=SlipState.APPROVED,
            planned_departure__gte=now,
            planned_departure__lt=now + timedelta(days=COMING_VISIT_DAYS),
        )
        .select_related("customer")
        .order_by("planned_departure", "pk")
    )
    grouped: dict[int, list[VisitSlip]] = {}
    for slip in slips:
        grouped.setdefault(slip.salesperson_id, []).append(slip)
    return grouped


def _choice_counts(queryset, field: str, choices) -> list[tuple[str, int]]:
    counts = _count_by(queryset, field)
    return [(label, counts.get(value, 0)) for value, label in choices]


def _manager_context(manager: User, team_stats: dict, *, start, end, now: datetime) -> dict:
    team_id = people.managed_team_id(manager)
    if team_id is None:
        return {"team": [], "no_team": True}
    team = [(person, team_stats[person.pk]) for person in people.salespeople(team=team_id)]
    late_logs = (
        VisitLog.objects.overdue(now)
        .filter(author__team_id=team_id)
        .select_related("customer", "author")
    )
    missed = Customer.objects.filter(
        owner__team_id=team_id,
        first_contact_missed_at__isnull=False,
        reassignment_due_at__isnull=False,
    )
    automatic = Assignment.objects.filter(
        Q(assignee__team_id=team_id) | Q(previous_owner__team_id=team_id),
        reason=Assignment.Reason.AUTOMATIC,
        assigned_at__gte=start,
        assigned_at__lt=end,
    )
    overdue = list(_overdue_instalments([p.pk for p, _stats in team], now=now))
    return {
        "team": team,
        "overdue_instalments": overdue[:LIST_SIZE],
        "overdue_instalments_count": len(overdue),
        "files_to_check": pending_checks(manager).count(),
        "missed_first_contacts": missed.count(),
        "automatic_reassignments": automatic.count(),
        "late_logs": list(late_logs.order_by("due_at", "pk")[:LIST_SIZE]),
        "late_logs_count": late_logs.count(),
        "slips_waiting": approval_queue(manager).count(),
        "plans_waiting": plans_to_review(manager).count(),
        "agreements_waiting": agreements_to_approve(manager).count(),
        "claims_waiting": claims_to_decide(manager).count(),
    }


def _director_context(*, start, end) -> dict:
    customers = Customer.objects.all()
    agreements = Agreement.objects.all()
    first, last = timezone.localdate(start), timezone.localdate(end)
    waiting = agreements.filter(state=AgreementState.DIRECTOR_REVIEW).select_related(
        "customer", "salesperson"
    )
    waiting_rows = list(waiting.order_by("submitted_at", "pk")[:LIST_SIZE])
    signed_major = agreements.filter(
        state=AgreementState.SIGNED, signed_on__gte=first, signed_on__lt=last
    ).exclude(major_reasons=[])
    return {
        "signed": signed_between(agreements, first, last),
        # The year the week ends in (a week across New Year counts in the new year).
        "signed_year": signed_between(
            agreements, (last - timedelta(days=1)).replace(month=1, day=1), last
        ),
        "major_signed": signed_major.count(),
        "major_waiting": waiting_rows,
        "major_waiting_count": waiting.count(),
        "pipeline": _choice_counts(customers, "pipeline_class", PipelineClass.choices),
        "sources": _choice_counts(customers, "source", SourceChannel.choices),
        "new_customers": customers.filter(entered_at__gte=start, entered_at__lt=end).count(),
        "total_customers": customers.count(),
    }


def _rules_kept(monday: date, next_monday: date, *, now: datetime) -> compliance.Compliance:
    """Last week's on-time counts per rule for every salesperson, team and the company (the
    figures of the compliance report, one grouped query per rule)."""
    salespeople = list(people.all_salespeople().select_related("team"))
    teams = {person.team_id: person.team for person in salespeople if person.team_id}
    scope = Scope(people=salespeople, teams=list(teams.values()), company=True)
    return compliance.compliance(scope, Period("week", monday, next_monday), now=now)


def weekly_digests(*, now: datetime, dry_run: bool = False) -> dict:
    """Monday's digest for each salesperson, manager and director: last week, and what is open."""
    today = timezone.localdate(now)
    period = monday_of(today)
    last_monday = period - timedelta(days=7)
    start, end = _midnight(last_monday), _midnight(period)
    counts = {"salesperson digests": 0, "manager digests": 0, "director digests": 0}
    recipients = _recipients(DigestSent.Kind.WEEKLY, period, WEEKLY_TEMPLATES)
    if not recipients:
        return counts

    rules = policy()
    calendar = work_calendar(today=last_monday)
    working_days = calendar.working_days_between(
        last_monday - timedelta(days=1), period - timedelta(days=1)
    )
    kinds = {user.pk: _weekly_kind(user) for user in recipients}
    team_ids = {people.managed_team_id(u) for u in recipients} - {None}
    sellers = {u.pk: u for u in recipients if kinds[u.pk] == Capability.SELL}
    members = list(
        User.objects.filter(Q(pk__in=sellers) | Q(pk__in=people.salespeople_in(team_ids)))
    )
    stats = _person_stats(members, start=start, end=end, now=now)
    kept = _rules_kept(last_monday, period, now=now)
    coming = _coming_visits(list(sellers.values()), now=now)
    overdue = _overdue_by_person(list(sellers), now=now)
    this_week = work_calendar(today=today)
    director = None
    base = {
        "week_start": last_monday,
        "week_end": period - timedelta(days=1),
        "period": period,
        "now": now,
    }
    for user in recipients:
        if kinds[user.pk] == Capability.SELL:
            tallies = kept.people.get(user.pk)
        elif kinds[user.pk] == Capability.MANAGE_TEAM:
            tallies = kept.teams.get(people.managed_team_id(user))
        else:
            tallies = kept.total
        base["compliance"] = (
            [(rule.label, tallies[rule.key]) for rule in compliance.RULES] if tallies else []
        )
        if kinds[user.pk] == Capability.SELL:
            context = {
                **base,
                "stats": stats[user.pk],
                "working_days": working_days,
                "daily_target": rules.daily_new_customers_target,
                "new_files_target": working_days * rules.daily_new_customers_target,
                "visits_target": rules.weekly_visits_target,
                "coming_visits": coming.get(user.pk, [])[:LIST_SIZE],
                "overdue_instalments": overdue.get(user.pk, [])[:LIST_SIZE],
                "overdue_instalments_count": len(overdue.get(user.pk, [])),
                # The pool rules (customers.recycling): files that return soon unless followed up.
                "about_to_return": list(
                    recycling.about_to_return(user, now=now, calendar=this_week)[:LIST_SIZE]
                ),
            }
            key = "salesperson digests"
        elif kinds[user.pk] == Capability.MANAGE_TEAM:
            context = {**base, **_manager_context(user, stats, start=start, end=end, now=now)}
            key = "manager digests"
        else:
            director = director or _director_context(start=start, end=end)
            context = {**base, **director}
            key = "director digests"
        if _claim_and_send(
            user,
            DigestSent.Kind.WEEKLY,
            period,
            now=now,
            name=WEEKLY_TEMPLATES[kinds[user.pk]],
            context=context,
            dry_run=dry_run,
        ):
            counts[key] += 1
    return counts


def daily_brief(*, now: datetime, dry_run: bool = False) -> dict:
    """Each manager's brief on a working day: key and difficult customers, yesterday's logs,
    and escalations still waiting for guidance."""
    today = timezone.localdate(now)
    calendar = work_calendar(today=today)
    if not calendar.is_working_day(today):
        return {"briefs sent": 0, "skipped": "not a working day"}
    counts = {"briefs sent": 0}
    managers = [
        manager
        for manager in _recipients(DigestSent.Kind.DAILY_BRIEF, today, [Capability.MANAGE_TEAM])
        if people.managed_team_id(manager) is not None
    ]
    if not managers:
        return counts

    previous = calendar.add_working_days(today, -1)
    since, until = _midnight(previous), _midnight(today)
    guidance_since = CustomerNote.objects.filter(
        customer=OuterRef("pk"),
        kind=CustomerNote.Kind.GUIDANCE,
        created_at__gte=OuterRef("escalated_at"),
    )
    for manager in managers:
        team_id = people.managed_team_id(manager)
        team_customers = Customer.objects.filter(owner__team_id=team_id).select_related("owner")
        key = team_customers.filter(pipeline_class=PipelineClass.KEY).order_by("name", "pk")
        difficult = (
            team_customers.filter(escalated_at__isnull=False)
            .annotate(guided=Exists(guidance_since))
            .order_by("escalated_at", "pk")
        )
        logs = (
            VisitLog.objects.filter(
                author__team_id=team_id, written_at__gte=since, written_at__lt=until
            )
            .select_related("customer", "author")
            .order_by("written_at", "pk")
        )
        difficult_rows = list(difficult[:LIST_SIZE])
        context = {
            "today": today,
            "logs_since": previous,
            "key_customers": list(key[:LIST_SIZE]),
            "key_count": key.count(),
            "difficult": difficult_rows,
            "difficult_count": difficult.count(),
            "needing_guidance": difficult.filter(guided=False).count(),
            "logs": list(logs[:LIST_SIZE]),
            "logs_count": logs.count(),
        }
        if _claim_and_send(
            manager,
            DigestSent.Kind.DAILY_BRIEF,
            today,
            now=now,
            name="brief_manager",
            context=context,
            dry_run=dry_run,
        ):
            counts["briefs sent"] += 1
    return counts
