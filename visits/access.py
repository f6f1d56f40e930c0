"""Who may see which visit slip. Every view goes through here.

- Salesperson: their own slips (and contact records on their own customers).
- Sales manager: their team's slips.
- Marketing director: every slip, read-only.
- Front desk: today's slips only (departure and return), nothing else.
"""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from salescrm import people
from salescrm.models import User
from salescrm.permissions import Capability, can
from salescrm.workdays import day_range
from visits.models import SlipState, VisitLog, VisitSlip


def today_bounds(now: datetime | None = None) -> tuple[datetime, datetime]:
    return day_range(timezone.localdate(now), tz=timezone.get_current_timezone())


def todays_slips(now: datetime | None = None) -> QuerySet[VisitSlip]:
    """What the front desk may open: slips planned for today, and anyone still out from before.

    Today's slips not (or no longer) approved are included, all but drafts, so that a tap
    on Departure for one (a stale desk page after a cancel, a slip still waiting) gets the
    reason it cannot leave rather than a 404. The desk page lists only the approved ones.
    """
    start, end = today_bounds(now)
    return VisitSlip.objects.filter(
        Q(planned_departure__gte=start, planned_departure__lt=end) & ~Q(state=SlipState.DRAFT)
        | Q(state=SlipState.DEPARTED)
        | Q(state=SlipState.RETURNED, returned_at__gte=start, returned_at__lt=end)
    )


def slips_for(user: User) -> QuerySet[VisitSlip]:
    qs = VisitSlip.objects.all()
    if can(user, Capability.SEE_COMPANY):
        return qs
    team_id = people.managed_team_id(user)
    if team_id is not None:
        return qs.filter(salesperson__team_id=team_id)
    if can(user, Capability.SELL):
        return qs.filter(salesperson=user)
    if can(user, Capability.RUN_DESK):
        return todays_slips()
    return qs.none()


def slip_for_user(user: User, pk) -> VisitSlip:
    """The slip `pk` if `user` may see it; else 404."""
    try:
        return slips_for(user).select_related("customer", "salesperson__team").get(pk=pk)
    except (VisitSlip.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def log_for_user(user: User, pk) -> VisitLog:
    """A visit log is written by the salesperson who made the visit; anyone else gets 404."""
    try:
        return VisitLog.objects.select_related("customer", "slip").get(pk=pk, author=user)
    except (VisitLog.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
