"""The in-app inbox: who is told what. Each kind's text is rendered in the reader's language.

Some kinds ask the reader to act (ACTIONS). Such a notification names its subject (the
slip, plan, claim ... it is about); the service that performs the action calls
`resolve(subject=..., kinds=...)`, and the notification stops waiting for every
recipient, whoever acted. What still waits for a person (`waiting_for`) is what they are
asked to do and have not done, plus what they have not read.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Model, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from salescrm import mail, stored_text
from salescrm.models import Notification, User

# kind -> message; params are filled in when the notification is shown.
MESSAGES = {
    "customer_assigned": _("%(customer)s was assigned to you."),
    "customer_reassigned_away": _("%(customer)s was reassigned to %(assignee)s."),
    "customer_returned_to_pool": _("%(customer)s went back to the unowned pool."),
    "pool_return_warning": _(
        "%(customer)s returns to the pool after %(due)s unless it is followed up."
    ),
    "pool_returned": _(
        "%(customer)s (%(owner)s) went back to the pool: not followed up for %(days)s working days."
    ),
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
    "instalment_due_soon": _(
        "Instalment %(number)s of agreement %(agreement)s (%(customer)s) is due %(due)s: "
        "%(amount)s to collect."
    ),
    "instalment_overdue": _(
        "Overdue: instalment %(number)s of agreement %(agreement)s (%(customer)s, %(owner)s) "
        "was due %(due)s; %(amount)s still to collect."
    ),
}


# kind -> what the reader is asked to do (the button in the inbox); the notification waits
# until the service doing it resolves it. Every other kind is for information.
ACTIONS = {
    "claim_filed": _("Decide the claim"),
    "file_returned": _("Correct the file"),
    "file_resubmitted": _("Check the file"),
    "escalation": _("Give guidance"),
    "slip_submitted": _("Approve or reject"),
    "slip_rejected": _("Revise the slip"),
    "file_overdue": _("Complete the file"),
    "first_contact_reminder": _("Contact the customer"),
    "pool_return_warning": _("Follow up the customer"),
    "first_contact_missed": _("Reassign or extend"),
    "log_overdue": _("Write the log"),
    "slip_overdue": _("Register the return"),
    "plan_review_requested": _("Review the plan"),
    "plan_review_rejected": _("Revise the plan"),
    "plan_declined": _("Revise the plan"),
    "agreement_submitted": _("Approve or reject"),
    "agreement_needs_director": _("Approve or reject"),
    "agreement_rejected": _("Revise the agreement"),
    "instalment_overdue": _("Chase the payment"),
}


def when(moment: datetime) -> dict:
    """A moment as a notification parameter: shown in the reader's language and formats."""
    return stored_text.moment(moment)


def message(notification: Notification) -> str:
    """The notification's text in the active language (dates and amounts formatted for it)."""
    template = MESSAGES.get(notification.kind)
    if template is None:
        return notification.kind
    params = {"actor": str(notification.actor or ""), **notification.params}
    return stored_text.render(template, params)


def _about(kind: str, subject: Model | None) -> dict:
    """The subject fields of a notification of `kind` about `subject`."""
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind!r}")
    if subject is None:
        if kind in ACTIONS:
            raise ValueError(f"a {kind!r} notification asks for an action: name its subject")
        return {}
    return {
        "subject_type": ContentType.objects.get_for_model(subject),
        "subject_id": subject.pk,
        "actionable": kind in ACTIONS,
    }


def notify(
    *,
    recipients: Iterable[User | None],
    kind: str,
    actor: User | None = None,
    params: dict,
    url: str = "",
    body: str = "",
    subject: Model | None = None,
) -> int:
    """Put one notification in each recipient's inbox (never twice for one person).

    `subject`: the record it is about; required for the kinds that ask for an action.
    """
    about = _about(kind, subject)
    people = {person.pk: person for person in recipients if person is not None}
    created = Notification.objects.bulk_create(
        Notification(
            recipient=person, kind=kind, actor=actor, params=params, url=url, body=body, **about
        )
        for person in people.values()
    )
    _email_on_commit(created)
    return len(people)


def notify_many(entries: Iterable[tuple]) -> int:
    """Many notifications in one statement: entries of (recipient, kind, params, url, subject)."""
    rows = [
        Notification(
            recipient=recipient, kind=kind, params=params, url=url, **_about(kind, subject)
        )
        for recipient, kind, params, url, subject in entries
        if recipient is not None
    ]
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    _email_on_commit(created)
    return len(rows)


def resolve(*, subject: Model, kinds: Iterable[str], now: datetime | None = None) -> int:
    """The action these `kinds` of notification asked about `subject` is done: they stop
    waiting, for every recipient. Returns how many were resolved."""
    kinds = list(kinds)
    unknown = set(kinds) - set(ACTIONS)
    if unknown:
        raise ValueError(f"not kinds that ask for an action: {sorted(unknown)}")
    return Notification.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        kind__in=kinds,
        actionable=True,
        resolved_at__isnull=True,
    ).update(resolved_at=now or timezone.now())


def resolve_many(
    *, model: type[Model], ids: Iterable[int], kinds: Iterable[str], now: datetime | None = None
) -> int:
    """resolve() for many subjects of one model in one statement (a bulk action)."""
    kinds = list(kinds)
    unknown = set(kinds) - set(ACTIONS)
    if unknown:
        raise ValueError(f"not kinds that ask for an action: {sorted(unknown)}")
    return Notification.objects.filter(
        subject_type=ContentType.objects.get_for_model(model),
        subject_id__in=list(ids),
        kind__in=kinds,
        actionable=True,
        resolved_at__isnull=True,
    ).update(resolved_at=now or timezone.now())


EMAIL_BATCH = 200


def _email_on_commit(created) -> None:
    """Once the notifications are committed, a task e-mails them (in batches)."""
    from salescrm.tasks import send_notification_emails

    ids = [n if isinstance(n, int) else n.pk for n in created]
    for start in range(0, len(ids), EMAIL_BATCH):
        batch = ids[start : start + EMAIL_BATCH]
        transaction.on_commit(lambda batch=batch: send_notification_emails.delay(batch))


# A notification's e-mail is tried at most this often (task retries and sweeps together).
MAX_EMAIL_ATTEMPTS = 12
# The sweep gives up on an e-mail this late: the inbox has it, the mail would be stale.
EMAIL_GIVE_UP_AFTER = timedelta(days=2)


def email_lease() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATION_EMAIL_LEASE)


def email_notifications(ids, *, now: datetime | None = None) -> int:
    """E-mail each notification once, in its recipient's language; returns how many were sent.

    Each one is leased first: a conditional UPDATE, committed on its own, sets
    `email_claimed_at` where no live lease is held, so two workers (or a task delivered
    twice) never send it together. After the mail server accepts the message,
    `emailed_at` is committed at once; a failed send gives the lease back and raises, so
    the task retries. A worker killed while it held a lease (rendering, talking to the
    mail server) leaves it to expire (NOTIFICATION_EMAIL_LEASE, longer than the task's
    hard time limit): the sweep (email_sweep) queues it again.

    Exactly once, except in one window that no mail protocol closes: the worker dies
    after the server accepted the message and before `emailed_at` is committed (one
    UPDATE on an open connection, milliseconds). Then the message is sent again when the
    lease expires: at most one duplicate, never a loss.
    """
    sent = 0
    lease = email_lease()
    pending = (
        Notification.objects.filter(pk__in=ids, emailed_at__isnull=True)
        .exclude(recipient__email="")
        .select_related("recipient", "actor")
    )
    for note in pending:
        claimed_at = now or timezone.now()
        claimed = (
            Notification.objects.filter(
                pk=note.pk, emailed_at__isnull=True, email_attempts__lt=MAX_EMAIL_ATTEMPTS
            )
            .filter(Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=claimed_at - lease))
            .update(email_claimed_at=claimed_at, email_attempts=F("email_attempts") + 1)
        )
        if not claimed:
            continue  # sent, or leased by a worker that may still be sending it
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
            Notification.objects.filter(pk=note.pk, email_claimed_at=claimed_at).update(
                email_claimed_at=None
            )
            raise
        Notification.objects.filter(pk=note.pk).update(emailed_at=now or timezone.now())
        sent += 1
    return sent


def email_sweep(*, now: datetime, dry_run: bool = False) -> dict:
    """Queue again the e-mails no live worker holds: leased by a worker that died (the
    lease expired), or never taken (the task was lost) after a lease's time. The task
    leases each one, so a task still on its way sends nothing twice. Returns counts."""
    stale = now - email_lease()
    due = (
        Notification.objects.filter(
            emailed_at__isnull=True,
            created_at__lt=stale,
            created_at__gte=now - EMAIL_GIVE_UP_AFTER,
            email_attempts__lt=MAX_EMAIL_ATTEMPTS,
        )
        .filter(Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=stale))
        .exclude(recipient__email="")
    )
    ids = list(due.order_by("pk").values_list("pk", flat=True))
    if not dry_run:
        _email_on_commit(ids)
    return {"e-mails queued again": len(ids)}


def waiting_for(user: User) -> QuerySet[Notification]:
    """What still waits for `user`: actions asked of them and not done (read or not), and
    notifications for information they have not read. The badge in the menu counts these."""
    return Notification.objects.filter(recipient=user, resolved_at__isnull=True).filter(
        Q(actionable=True) | Q(read_at__isnull=True)
    )


def needing_action(user: User) -> QuerySet[Notification]:
    """The actions asked of `user` and not done yet, newest first."""
    return inbox_for(user).filter(actionable=True, resolved_at__isnull=True)


def for_information(user: User) -> QuerySet[Notification]:
    """Everything else in `user`'s inbox: information, and actions already done."""
    return inbox_for(user).exclude(actionable=True, resolved_at__isnull=True)


def unread_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, read_at__isnull=True)


def inbox_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("actor")


def mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark some (or all) of `user`'s unread notifications read; returns how many."""
    qs = unread_for(user)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
