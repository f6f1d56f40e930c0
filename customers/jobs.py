"""The customer deadline jobs (rules 1.2 and 1.3.3), run by Celery beat.

Each takes `now`, selects the due rows by an indexed column, claims them with
SELECT ... FOR UPDATE SKIP LOCKED (so two workers never take the same row),
changes them in bulk with their history, tells the people concerned in bulk,
and returns counts. Running one twice changes nothing more.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.utils import bulk_update_with_history

from customers import rules, services
from customers import selectors as customer_selectors
from customers.models import Assignment, Customer
from salescrm import notifications, selectors
from salescrm.history import acting_as

BATCH = 2000


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _claim(queryset, *, fields=("owner__team__manager",)):
    """The next batch of due rows, locked for this transaction; rows another worker holds
    are skipped."""
    return list(
        queryset.select_for_update(skip_locked=True, of=("self",))
        .select_related(*fields)
        .order_by("pk")[:BATCH]
    )


def _manager(customer):
    team = customer.owner.team if customer.owner else None
    return team.manager if team else None


def file_completion(*, now) -> dict:
    """Files still incomplete past their due time become overdue; owner and manager told."""
    marked = 0
    while True:
        with transaction.atomic():
            due = _claim(
                Customer.objects.filter(
                    completed_at__isnull=True,
                    completion_due_at__lt=now,
                    completion_overdue_at__isnull=True,
                    owner__isnull=False,
                )
            )
            if not due:
                break
            for customer in due:
                customer.completion_overdue_at = now
            bulk_update_with_history(
                due,
                Customer,
                ["completion_overdue_at"],
                batch_size=1000,
                default_change_reason="file overdue",
            )
            notifications.notify_many(
                (person, "file_overdue", _params(customer), services.customer_url(customer))
                for customer in due
                for person in {customer.owner, _manager(customer)}
            )
            marked += len(due)
    return {"files marked overdue": marked}


def _params(customer, **extra) -> dict:
    return {
        "customer": customer.name,
        "owner": str(customer.owner or ""),
        "due": _when(customer.completion_due_at),
        **extra,
    }


def first_contact(*, now) -> dict:
    """Remind owners before the one-week deadline; past it, queue the customer for the manager."""
    policy = selectors.policy()
    reminder_from = now + timedelta(days=policy.first_contact_reminder_days)
    reminded = missed = 0
    calendar = selectors.work_calendar(today=timezone.localdate(now))
    grace_until = calendar.due_at(
        timezone.localdate(now),
        policy.reassignment_grace_working_days,
        tz=timezone.get_current_timezone(),
    )
    open_first_contact = Customer.objects.filter(
        owner__isnull=False, first_contact_at__isnull=True, first_contact_due_at__isnull=False
    )
    while True:
        with transaction.atomic():
            due = _claim(
                open_first_contact.filter(
                    first_contact_reminded_at__isnull=True,
                    first_contact_due_at__gt=now,
                    first_contact_due_at__lte=reminder_from,
                )
            )
            if not due:
                break
            for customer in due:
                customer.first_contact_reminded_at = now
            bulk_update_with_history(
                due,
                Customer,
                ["first_contact_reminded_at"],
                batch_size=1000,
                default_change_reason="first contact: reminder",
            )
            notifications.notify_many(
                (
                    customer.owner,
                    "first_contact_reminder",
                    {"customer": customer.name, "due": _when(customer.first_contact_due_at)},
                    services.customer_url(customer),
                )
                for customer in due
            )
            reminded += len(due)
    while True:
        with transaction.atomic():
            due = _claim(
                open_first_contact.filter(
                    first_contact_missed_at__isnull=True, first_contact_due_at__lte=now
                )
            )
            if not due:
                break
            for customer in due:
                customer.first_contact_missed_at = now
                customer.reassignment_due_at = grace_until
            bulk_update_with_history(
                due,
                Customer,
                ["first_contact_missed_at", "reassignment_due_at"],
                batch_size=1000,
                default_change_reason="first contact: missed",
            )
            notifications.notify_many(
                (
                    person,
                    "first_contact_missed",
                    {"customer": customer.name, "owner": str(customer.owner)},
                    services.customer_url(customer),
                )
                for customer in due
                # A set: a manager who owns the customer is told once.
                for person in {_manager(customer), customer.owner}
            )
            missed += len(due)
    return {"first-contact reminders": reminded, "first contacts missed": missed}


def reassignment(*, now) -> dict:
    """Queue items the manager left past the grace period go to the proposed assignee."""
    reassigned = stuck = 0
    while True:
        with transaction.atomic():
            due = _claim(
                Customer.objects.filter(
                    reassignment_due_at__lte=now,
                    first_contact_at__isnull=True,
                    owner__isnull=False,
                ),
                fields=("owner__team__manager",),
            )
            if not due:
                break
            by_team: dict = {}
            for customer in due:
                by_team.setdefault(customer.owner.team_id, []).append(customer)
            for customers in by_team.values():
                team = customers[0].owner.team
                done, left = _reassign_team(team, customers, now=now)
                reassigned += done
                stuck += left
    return {"customers reassigned": reassigned, "left for the manager": stuck}


def _reassign_team(team, customers, *, now) -> tuple[int, int]:
    """Spread one team's missed customers by balanced load, never back to the same owner."""
    people = {p.pk: p for p in selectors.salespeople(team=team)} if team else {}
    loads = {
        load.person_id: load
        for load in customer_selectors.assignment_loads(list(people.values()), now=now)
    }
    done = left = 0
    for customer in customers:
        candidates = [load for pk, load in loads.items() if pk != customer.owner_id]
        if not candidates:
            # No one else in the team: keep it queued, but stop trying every run.
            customer.reassignment_due_at = None
            customer.save(update_fields=["reassignment_due_at"])
            left += 1
            continue
        (pick,) = rules.balance(candidates, 1)
        loads[pick].open_customers += 1
        loads[pick].recent_assignments += 1
        previous = customer.owner
        assignee = people[pick]
        with acting_as(None):
            services.owner_assign(
                customer,
                assignee=assignee,
                actor=None,
                reason=Assignment.Reason.AUTOMATIC,
                now=now,
            )
        params = {"customer": customer.name, "previous": str(previous), "assignee": str(assignee)}
        notifications.notify_many(
            (person, "customer_reassigned_auto", params, services.customer_url(customer))
            for person in {previous, assignee, team.manager if team else None} - {None}
        )
        done += 1
    return done, left
