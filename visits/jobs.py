"""The visit deadline jobs (rules 2.4.1 and 2.4.5), run by Celery beat.

Same pattern as customers.jobs: due rows by an indexed column, claimed with
SKIP LOCKED, changed in bulk with history, people told in bulk, counts returned.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.utils import bulk_update_with_history

from salescrm import notifications
from visits.models import SlipState, VisitLog, VisitSlip

BATCH = 2000


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _claim(queryset, *related):
    return list(
        queryset.select_for_update(skip_locked=True, of=("self",))
        .select_related(*related)
        .order_by("pk")[:BATCH]
    )


def _manager(person):
    return person.team.manager if person.team_id and person.team else None


def visit_log(*, now) -> dict:
    """Logs still unwritten past their due time become overdue; author and manager told."""
    marked = 0
    while True:
        with transaction.atomic():
            due = _claim(
                VisitLog.objects.filter(
                    written_at__isnull=True, due_at__lt=now, overdue_marked_at__isnull=True
                ),
                "customer",
                "slip",
                "author__team__manager",
            )
            if not due:
                break
            for log in due:
                log.overdue_marked_at = now
            bulk_update_with_history(
                due,
                VisitLog,
                ["overdue_marked_at"],
                batch_size=1000,
                default_change_reason="log overdue",
            )
            notifications.notify_many(
                (
                    person,
                    "log_overdue",
                    {
                        "customer": log.customer.name,
                        "owner": str(log.author),
                        "due": _when(log.due_at),
                    },
                    reverse("visits:detail", kwargs={"pk": log.slip_id}),
                )
                for log in due
                for person in {log.author, _manager(log.author)}
            )
            marked += len(due)
    return {"visit logs marked overdue": marked}


def visit_return(*, now) -> dict:
    """Departed slips past their expected return / end of the working day: manager alerted."""
    flagged = 0
    while True:
        with transaction.atomic():
            due = _claim(
                VisitSlip.objects.filter(
                    state=SlipState.DEPARTED, overdue_at__lte=now, overdue_flagged_at__isnull=True
                ),
                "customer",
                "salesperson__team__manager",
            )
            if not due:
                break
            for slip in due:
                slip.overdue_flagged_at = now
            bulk_update_with_history(
                due,
                VisitSlip,
                ["overdue_flagged_at"],
                batch_size=1000,
                default_change_reason="late return",
            )
            notifications.notify_many(
                (
                    person,
                    "slip_overdue",
                    {
                        "customer": slip.customer.name,
                        "owner": str(slip.salesperson),
                        "due": _when(slip.overdue_at),
                    },
                    reverse("visits:detail", kwargs={"pk": slip.pk}),
                )
                for slip in due
                for person in {_manager(slip.salesperson), slip.salesperson}
            )
            flagged += len(due)
    return {"late returns flagged": flagged}
