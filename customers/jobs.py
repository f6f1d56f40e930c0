"""The customer deadline jobs (rules 1.2 and 1.3.3), run by Celery beat.

Each takes `now`, selects the due rows by an indexed column and hands them to
salescrm.jobs (claimed with SELECT ... FOR UPDATE SKIP LOCKED, so two workers never take
the same row; changed in one UPDATE per batch with their history; the people concerned
told in bulk), and returns counts. Running one twice changes nothing more.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from customers import selectors as customer_selectors
from customers import services
from customers.models import Assignment, Customer
from salescrm import notifications, people
from salescrm import selectors as salescrm_selectors
from salescrm.history import acting_as
from salescrm.jobs import claim_due, flag_due


def _owner_and_manager(customers, kind: str, params):
    """Notifications of `kind` for each customer's owner and their manager (one query)."""
    managers = people.managers_of(customer.owner for customer in customers)
    for customer in customers:
        # A set: a manager who owns the customer is told once.
        for person in {customer.owner, managers.get(customer.owner.team_id)} - {None}:
            yield (person, kind, params(customer), services.customer_url(customer), customer)


def file_completion(*, now: datetime) -> dict:
    """Files still incomplete past their due time become overdue; owner and manager told."""
    marked = flag_due(
        Customer.objects.file_overdue(now).filter(
            completion_overdue_at__isnull=True, owner__isnull=False
        ),
        changes={"completion_overdue_at": now},
        reason="file overdue",
        related=("owner",),
        tell=lambda due: _owner_and_manager(
            due,
            "file_overdue",
            lambda customer: {
                "customer": customer.name,
                "owner": str(customer.owner),
                "due": notifications.when(customer.completion_due_at),
            },
        ),
    )
    return {"files marked overdue": marked}


def first_contact(*, now: datetime) -> dict:
    """Remind owners before the one-week deadline; past it, queue the customer for the manager."""
    policy = salescrm_selectors.policy()
    calendar = salescrm_selectors.work_calendar(today=timezone.localdate(now))
    grace_until = calendar.due_at(
        timezone.localdate(now),
        policy.reassignment_grace_working_days,
        tz=timezone.get_current_timezone(),
    )
    open_first_contact = Customer.objects.filter(
        owner__isnull=False, first_contact_at__isnull=True, first_contact_due_at__isnull=False
    )
    reminded = flag_due(
        open_first_contact.filter(
            first_contact_reminded_at__isnull=True,
            first_contact_due_at__gt=now,
            first_contact_due_at__lte=now + timedelta(days=policy.first_contact_reminder_days),
        ),
        changes={"first_contact_reminded_at": now},
        reason="first contact: reminder",
        related=("owner",),
        tell=lambda due: (
            (
                customer.owner,
                "first_contact_reminder",
                {
                    "customer": customer.name,
                    "due": notifications.when(customer.first_contact_due_at),
                },
                services.customer_url(customer),
                customer,
            )
            for customer in due
        ),
    )
    missed = flag_due(
        open_first_contact.filter(
            first_contact_missed_at__isnull=True, first_contact_due_at__lte=now
        ),
        changes={"first_contact_missed_at": now, "reassignment_due_at": grace_until},
        reason="first contact: missed",
        related=("owner",),
        tell=lambda due: _owner_and_manager(
            due,
            "first_contact_missed",
            lambda customer: {"customer": customer.name, "owner": str(customer.owner)},
        ),
    )
    return {"first-contact reminders": reminded, "first contacts missed": missed}


def reassignment(*, now: datetime) -> dict:
    """Queue items the manager left past the grace period go to the proposed assignee."""
    left = []

    def reassign(due) -> int:
        by_team: dict = {}
        for customer in due:
            by_team.setdefault(customer.owner.team_id, []).append(customer)
        for team_id, customers in by_team.items():
            left.extend(_reassign_team(team_id, customers, now=now))
        return len(due)

    handled = claim_due(
        Customer.objects.filter(
            reassignment_due_at__lte=now, first_contact_at__isnull=True, owner__isnull=False
        ),
        handle=reassign,
        related=("owner",),
    )
    return {"customers reassigned": handled - len(left), "left for the manager": len(left)}


def _reassign_team(team_id, customers, *, now: datetime) -> list:
    """Spread one team's missed customers by balanced load, never back to the same owner
    (the proposals the manager's reassignment queue shows); returns those left queued."""
    members = list(people.salespeople(team=team_id))
    proposals = customer_selectors.reassignment_proposals(customers, members, now=now)
    manager = people.manager_of_team(team_id)
    stuck = []
    for customer in customers:
        assignee = proposals.get(customer.pk)
        if assignee is None:
            # No one else in the team: keep it queued, but stop trying every run.
            customer.reassignment_due_at = None
            customer.save(update_fields=["reassignment_due_at"])
            stuck.append(customer)
            continue
        previous = customer.owner
        with acting_as(None):
            services.owner_assign(
                customer, assignee=assignee, actor=None, reason=Assignment.Reason.AUTOMATIC, now=now
            )
        params = {"customer": customer.name, "previous": str(previous), "assignee": str(assignee)}
        notifications.notify_many(
            (person, "customer_reassigned_auto", params, services.customer_url(customer), customer)
            for person in {previous, assignee, manager} - {None}
        )
    return stuck
