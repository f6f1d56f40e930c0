"""The visit deadline jobs (rules 2.4.1 and 2.4.5), run by Celery beat.

Each selects the due rows by an indexed column and marks them through
salescrm.jobs.flag_due (claimed with SKIP LOCKED, one UPDATE per batch, history
kept, people told in bulk); running one twice changes nothing more.
"""

from datetime import datetime

from django.urls import reverse

from salescrm import notifications, people
from salescrm.jobs import flag_due
from salescrm.models import User
from visits.models import SlipState, VisitLog, VisitSlip


def _tell_owner_and_manager(rows, *, kind, owner: User, due, url):
    """Notifications for each row's salesperson and their manager (managers in one query)."""
    managers = people.managers_of(owner(row) for row in rows)
    for row in rows:
        person = owner(row)
        params = {
            "customer": row.customer.name,
            "owner": str(person),
            "due": notifications.when(due(row)),
        }
        for recipient in {person, managers.get(person.team_id)} - {None}:
            yield (recipient, kind, params, url(row), row)


def visit_log(*, now: datetime) -> dict:
    """Logs still unwritten past their due time become overdue; author and manager told."""
    marked = flag_due(
        VisitLog.objects.overdue(now).filter(overdue_marked_at__isnull=True),
        changes={"overdue_marked_at": now},
        reason="log overdue",
        related=("customer", "author"),
        tell=lambda logs: _tell_owner_and_manager(
            logs,
            kind="log_overdue",
            owner=lambda log: log.author,
            due=lambda log: log.due_at,
            url=lambda log: reverse("visits:detail", kwargs={"pk": log.slip_id}),
        ),
    )
    return {"visit logs marked overdue": marked}


def visit_return(*, now: datetime) -> dict:
    """Departed slips past their expected return / end of the working day: manager alerted."""
    flagged = flag_due(
        VisitSlip.objects.filter(
            state=SlipState.DEPARTED, overdue_at__lte=now, overdue_flagged_at__isnull=True
        ),
        changes={"overdue_flagged_at": now},
        reason="late return",
        related=("customer", "salesperson"),
        tell=lambda slips: _tell_owner_and_manager(
            slips,
            kind="slip_overdue",
            owner=lambda slip: slip.salesperson,
            due=lambda slip: slip.overdue_at,
            url=lambda slip: reverse("visits:detail", kwargs={"pk": slip.pk}),
        ),
    )
    return {"late returns flagged": flagged}
