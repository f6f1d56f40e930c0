"""The in-app inbox: who is told what. Each kind's text is rendered in the reader's language."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from salescrm import mail
from salescrm.models import Notification, User

# kind -> message; params are filled in when the notification is shown.
MESSAGES = {
    "customer_assigned": _("%(customer)s was assigned to you."),
    "customer_reassigned_away": _("%(customer)s was reassigned to %(assignee)s."),
    "customer_returned_to_pool": _("%(customer)s went back to the unowned pool."),
    "claim_filed": _("%(actor)s claims %(customer)s, owned by %(owner)s."),
    "claim_kept": _("Claim on %(customer)s decided: the owner keeps it."),
    "claim_transferred": _("Claim on %(customer)s decided: transferred to %(claimant)s."),
    "file_returned": _("%(actor)s returned the file of %(customer)s for correction."),
    "file_resubmitted": _("%(actor)s corrected the file of %(customer)s."),
    "escalation": _("%(actor)s escalated %(customer)s to you."),
    "guidance": _("%(actor)s gave guidance on %(customer)s."),
    "comment": _("%(actor)s commented on %(customer)s."),
    "slip_submitted": _("%(actor)s asks approval to visit %(customer)s."),
    "slip_approved": _("%(actor)s approved your visit to %(customer)s."),
    "slip_rejected": _("%(actor)s rejected your visit to %(customer)s."),
    "slip_late": _("%(actor)s is late back from %(customer)s: new return %(time)s."),
    "file_overdue": _("The file of %(customer)s (%(owner)s) is overdue: it was due %(due)s."),
    "first_contact_reminder": _("Contact %(customer)s by %(due)s: the first-contact week ends."),
    "first_contact_missed": _(
        "%(owner)s missed the first contact with %(customer)s: reassign it or grant an extension."
    ),
    "customer_reassigned_auto": _(
        "%(customer)s went from %(previous)s to %(assignee)s after a missed first contact."
    ),
    "first_contact_extended": _(
        "%(actor)s extended the first contact with %(customer)s to %(due)s."
    ),
    "log_overdue": _("The visit log of %(customer)s (%(owner)s) is overdue: it was due %(due)s."),
    "slip_overdue": _("%(owner)s is not back from %(customer)s: expected by %(due)s."),
    "plan_review_requested": _(
        "%(actor)s asks you to review the plan “%(title)s” for %(customer)s (version %(version)s)."
    ),
    "plan_review_passed": _("%(actor)s passed your plan “%(title)s” for %(customer)s."),
    "plan_review_rejected": _("%(actor)s rejected your plan “%(title)s” for %(customer)s."),
    "plan_accepted": _(
        "%(customer)s accepted the plan “%(title)s”: agreement %(number)s is drafted."
    ),
    "plan_declined": _("%(customer)s declined the plan “%(title)s”."),
    "agreement_submitted": _(
        "%(actor)s asks you to approve agreement %(number)s with %(customer)s."
    ),
    "agreement_needs_director": _(
        "Agreement %(number)s with %(customer)s is major and needs your approval."
    ),
    "agreement_manager_approved": _(
        "%(actor)s approved agreement %(number)s with %(customer)s; it goes to the director."
    ),
    "agreement_approved": _("%(actor)s approved agreement %(number)s with %(customer)s."),
    "agreement_rejected": _("%(actor)s rejected agreement %(number)s with %(customer)s."),
    "agreement_signed": _("%(customer)s signed agreement %(number)s (total %(total)s)."),
    "plan_withdrawn": _("%(actor)s withdrew the plan “%(title)s” for %(customer)s from review."),
    "plan_cancelled": _("%(actor)s cancelled the plan “%(title)s” for %(customer)s."),
    "agreement_withdrawn": _(
        "%(actor)s withdrew agreement %(number)s with %(customer)s from approval."
    ),
    "agreement_cancelled": _("%(actor)s cancelled agreement %(number)s with %(customer)s."),
    "change_charged": _(
        "Change %(change)s on agreement %(number)s is beyond the free allowance: fee %(fee)s."
    ),
}


def when(moment) -> str:
    """A moment as a notification parameter, in the company's time zone."""
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def message(notification: Notification) -> str:
    template = MESSAGES.get(notification.kind)
    if template is None:
        return notification.kind
    params = {"actor": str(notification.actor or ""), **notification.params}
    return str(template) % params


def notify(
    *, recipients, kind: str, actor: User | None = None, params: dict, url: str = "", body: str = ""
) -> int:
    """Put one notification in each recipient's inbox (never twice for one person)."""
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind!r}")
    people = {person.pk: person for person in recipients if person is not None}
    created = Notification.objects.bulk_create(
        Notification(recipient=person, kind=kind, actor=actor, params=params, url=url, body=body)
        for person in people.values()
    )
    _email_on_commit(created)
    return len(people)


def notify_many(entries) -> int:
    """Many notifications in one statement: entries of (recipient, kind, params, url)."""
    rows = [
        Notification(recipient=recipient, kind=kind, params=params, url=url)
        for recipient, kind, params, url in entries
        if recipient is not None
    ]
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    _email_on_commit(created)
    return len(rows)


EMAIL_BATCH = 200


def _email_on_commit(created) -> None:
    """Once the notifications are committed, a task e-mails them (in batches)."""
    from salescrm.tasks import send_notification_emails

    ids = [n.pk for n in created]
    for start in range(0, len(ids), EMAIL_BATCH):
        batch = ids[start : start + EMAIL_BATCH]
        transaction.on_commit(lambda batch=batch: send_notification_emails.delay(batch))


def email_notifications(ids, *, now: datetime | None = None) -> int:
    """E-mail each notification once, in its recipient's language; returns how many were sent.

    Each one is claimed by a conditional UPDATE first, so two workers (or a task
    delivered twice) never send it twice; a failed send gives the claim back and
    raises, so the task retries.
    """
    now = now or timezone.now()
    sent = 0
    pending = (
        Notification.objects.filter(pk__in=ids, emailed_at__isnull=True)
        .exclude(recipient__email="")
        .select_related("recipient", "actor")
    )
    for note in pending:
        claimed = Notification.objects.filter(pk=note.pk, emailed_at__isnull=True).update(
            emailed_at=now
        )
        if not claimed:
            continue
        language = note.recipient.language or settings.LANGUAGE_CODE
        try:
            with translation.override(language):
                text = message(note)
            mail.send_mail(
                "notification",
                {
                    "note": note,
                    "text": text,
                    "link": f"{settings.SITE_URL}{note.url}" if note.url else "",
                },
                to=[note.recipient.email],
                language=language,
            )
        except Exception:
            Notification.objects.filter(pk=note.pk).update(emailed_at=None)
            raise
        sent += 1
    return sent


def unread_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, read_at__isnull=True)


def inbox_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("actor")


def mark_read(*, user: User, notification_ids=None) -> int:
    """Mark some (or all) of `user`'s unread notifications read; returns how many."""
    qs = unread_for(user)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
