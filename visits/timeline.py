"""Contacts, visits and their logs on the customer's timeline (salescrm.timeline)."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from salescrm.models import User
from salescrm.timeline import Event
from visits.models import ContactRecord, SlipState, VisitLog, VisitSlip


def events(user: User, customer: Customer, before: datetime | None, limit: int) -> list[Event]:
    """Contact records, visits made and logs written, newest first (three queries)."""
    records = ContactRecord.objects.filter(customer=customer).select_related("author")
    visits = VisitSlip.objects.filter(customer=customer, state=SlipState.RETURNED).select_related(
        "salesperson"
    )
    logs = VisitLog.objects.filter(customer=customer, written_at__isnull=False).select_related(
        "author"
    )
    if before:
        records = records.filter(contacted_at__lt=before)
        visits = visits.filter(returned_at__lt=before)
        logs = logs.filter(written_at__lt=before)
    found = [
        Event(
            at=record.contacted_at,
            what=_("Contact: %(channel)s") % {"channel": record.get_channel_display()},
            text=record.summary,
            who=str(record.author),
            key=f"contact-{record.pk}",
        )
        for record in records.order_by("-contacted_at", "-pk")[:limit]
    ]
    found += [
        Event(
            at=slip.returned_at,
            what=_("Visit"),
            text=slip.plan,
            who=str(slip.salesperson),
            url=reverse("visits:detail", kwargs={"pk": slip.pk}),
            key=f"visit-{slip.pk}",
        )
        for slip in visits.order_by("-returned_at", "-pk")[:limit]
    ]
    found += [
        Event(
            at=log.written_at,
            what=_("Visit log: met nobody / not known") if log.met_nobody else _("Visit log"),
            text=log.outcome or log.notes,
            who=str(log.author),
            url=reverse("visits:detail", kwargs={"pk": log.slip_id}),
            key=f"log-{log.pk}",
        )
        for log in logs.order_by("-written_at", "-pk")[:limit]
    ]
    return found
