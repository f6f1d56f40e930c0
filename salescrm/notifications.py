"""The in-app inbox: who is told what. Each kind's text is rendered in the reader's language.

Some kinds ask the reader to act (ACTIONS). Such a notification names its subject (the
slip, plan, claim ... it is about); the service that performs the action calls
`resolve(subject=..., kinds=...)`, and the notification stops waiting for every
recipient, whoever acted. What still waits for a person (`waiting_for`) is what they are
asked to do and have not done, plus what they have not read.
"""

from collections import defaultdict
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


# E-mail preferences, per reader and kind (User.email_preferences). "instant": e-mailed
# within EMAIL_BATCH_MINUTES, together with the reader's other pending ones (one summary
# message); "daily": in the next day's digest (EMAIL_DAILY_DIGEST_HOUR); "off": no e-mail
# (the inbox still has it). No kind bypasses the batch: the shortest wait is the window.
INSTANT, DAILY, OFF = "instant", "daily", "off"
EMAIL_MODES = {
    INSTANT: _("As it happens (a summary every few minutes)"),
    DAILY: _("In the daily summary"),
    OFF: _("No e-mail (inbox only)"),
}
# Kinds that only inform and rarely need the reader today: the daily summary by default.
DAILY_BY_DEFAULT = frozenset(
    {"comment", "customer_returned_to_pool", "customer_reassigned_auto", "instalment_due_soon"}
)


def kind_label(kind: str) -> str:
    """A kind's message with "…" for its particulars (the preferences page names kinds so)."""
    return str(MESSAGES[kind]) % defaultdict(lambda: "…")


def email_preferences_set(*, user: User, preferences: dict) -> None:
    """Keep `user`'s choices (kind -> mode); unknown kinds and modes are refused."""
    for kind, mode in preferences.items():
        if kind not in MESSAGES or mode not in EMAIL_MODES:
            raise ValueError(f"not a kind and mode: {kind!r} {mode!r}")
    user.email_preferences = dict(preferences)
    user.save(update_fields=["email_preferences"])


def email_mode(person: User, kind: str) -> str:
    """How `person` wants notifications of `kind` e-mailed."""
    chosen = (person.email_preferences or {}).get(kind)
    if chosen in EMAIL_MODES:
        return chosen
    return DAILY if kind in DAILY_BY_DEFAULT else INSTANT


def next_daily_digest(now: datetime) -> datetime:
    """The next daily summary after `now`: EMAIL_DAILY_DIGEST_HOUR, local time."""
    local = timezone.localtime(now)
    moment = local.replace(hour=settings.EMAIL_DAILY_DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if moment <= local:
        moment = timezone.make_aware(
            datetime.combine(local.date() + timedelta(days=1), moment.time().replace(tzinfo=None))
        )
    return moment


def email_plan(person: User, kind: str, *, now: datetime) -> dict:
    """The e-mail fields of a new notification of `kind` for `person`."""
    mode = email_mode(person, kind)
    if mode == OFF:
        return {"email_wanted": False, "email_due_at": None}
    if mode == DAILY:
        return {"email_due_at": next_daily_digest(now)}
    return {"email_due_at": now + timedelta(minutes=settings.EMAIL_BATCH_MINUTES)}


def email_due(*, now: datetime, dry_run: bool = False) -> dict:
    """Queue the e-mails whose moment has come (beat, every minute): one task per reader,
    with all that reader's pending notifications due within the next window, so ten
    notifications in a few minutes make one summary message. The task leases them, so a
    run twice, or a task delivered twice, sends nothing twice. Returns counts."""
    window = timedelta(minutes=settings.EMAIL_BATCH_MINUTES)
    waiting = Notification.objects.filter(
        emailed_at__isnull=True,
        email_wanted=True,
        email_claimed_at__isnull=True,
        email_attempts__lt=MAX_EMAIL_ATTEMPTS,
        created_at__gte=now - EMAIL_GIVE_UP_AFTER,
    ).exclude(recipient__email="")
    readers = set(waiting.filter(email_due_at__lte=now).values_list("recipient_id", flat=True))
    ids_by_reader: dict[int, list[int]] = {}
    for pk, recipient_id in (
        waiting.filter(recipient_id__in=readers, email_due_at__lte=now + window)
        .order_by("pk")
        .values_list("pk", "recipient_id")
    ):
        ids_by_reader.setdefault(recipient_id, []).append(pk)
    if not dry_run:
        for ids in ids_by_reader.values():
            _email_on_commit(ids)
    return {
        "readers": len(ids_by_reader),
        "notifications": sum(len(ids) for ids in ids_by_reader.values()),
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
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient=person,
            kind=kind,
            actor=actor,
            params=params,
            url=url,
            body=body,
            **about,
            **email_plan(person, kind, now=now),
        )
        for person in people.values()
    )
    return len(people)


def notify_many(entries: Iterable[tuple]) -> int:
    """Many notifications in one statement: entries of (recipient, kind, params, url, subject)."""
    now = timezone.now()
    rows = [
        Notification(
            recipient=recipient,
            kind=kind,
            params=params,
            url=url,
            **_about(kind, subject),
            **email_plan(recipient, kind, now=now),
        )
        for recipient, kind, params, url, subject in entries
        if recipient is not None
    ]
    Notification.objects.bulk_create(rows, batch_size=1000)
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
    """E-mail these notifications once each, one message per reader (a summary when a
    reader has several), in the reader's language; returns how many messages were sent.

    Each reader's notifications are leased first, in one short transaction of their own:
    the rows with no live lease are locked (SKIP LOCKED) and `email_claimed_at` set, so
    two workers (or a task delivered twice) never send them together. After the mail
    server accepts the message, `emailed_at` is committed at once for all of them; a
    failed send gives the leases back and raises, so the task retries. A worker killed
    while it held a lease (rendering, talking to the mail server) leaves it to expire
    (NOTIFICATION_EMAIL_LEASE, longer than the task's hard time limit): the sweep
    (email_sweep) queues them again.

    Exactly once, except in one window that no mail protocol closes: the worker dies
    after the server accepted the message and before `emailed_at` is committed (one
    UPDATE on an open connection, milliseconds). Then the message is sent again when the
    lease expires: at most one duplicate, never a loss.
    """
    sent = 0
    pending = (
        Notification.objects.filter(pk__in=ids, emailed_at__isnull=True, email_wanted=True)
        .exclude(recipient__email="")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    for recipient_id in sorted(set(pending)):
        sent += _email_one_reader(recipient_id, ids, now=now)
    return sent


def _claim(recipient_id: int, ids, claimed_at: datetime) -> list[int]:
    """Lease the reader's free notifications among `ids` (committed at once)."""
    lease = email_lease()
    with transaction.atomic():
        free = list(
            Notification.objects.filter(
                pk__in=ids,
                recipient_id=recipient_id,
                emailed_at__isnull=True,
                email_wanted=True,
                email_attempts__lt=MAX_EMAIL_ATTEMPTS,
            )
            .filter(Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=claimed_at - lease))
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=free).update(
            email_claimed_at=claimed_at, email_attempts=F("email_attempts") + 1
        )
    return free


def _email_one_reader(recipient_id: int, ids, *, now: datetime | None) -> int:
    claimed_at = now or timezone.now()
    claimed = _claim(recipient_id, ids, claimed_at)
    if not claimed:
        return 0  # sent, or leased by a worker that may still be sending them
    notes = list(
        Notification.objects.filter(pk__in=claimed)
        .select_related("recipient", "actor")
        .order_by("created_at", "pk")
    )
    reader = notes[0].recipient
    language = reader.language or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            entries = [
                {
                    "note": note,
                    "text": message(note),
                    "link": f"{settings.SITE_URL}{note.url}" if note.url else "",
                }
                for note in notes
            ]
        if len(entries) == 1:
            mail.send_mail("notification", entries[0], to=[reader.email], language=language)
        else:
            mail.send_mail(
                "notification_summary",
                {"entries": entries, "count": len(entries), "inbox": _inbox_link()},
                to=[reader.email],
                language=language,
            )
    except Exception:
        Notification.objects.filter(pk__in=claimed, email_claimed_at=claimed_at).update(
            email_claimed_at=None
        )
        raise
    Notification.objects.filter(pk__in=claimed).update(emailed_at=now or timezone.now())
    return 1


def _inbox_link() -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return f"{settings.SITE_URL}{reverse('inbox')}"
    except NoReverseMatch:
        return settings.SITE_URL


def email_sweep(*, now: datetime, dry_run: bool = False) -> dict:
    """Queue again the e-mails no live worker holds: leased by a worker that died (the
    lease expired), or never taken (the task was lost) after a lease's time. The task
    leases each one, so a task still on its way sends nothing twice. Returns counts."""
    stale = now - email_lease()
    due = (
        Notification.objects.filter(
            Q(email_due_at__isnull=True) | Q(email_due_at__lt=stale),
            emailed_at__isnull=True,
            email_wanted=True,
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
