import re
from datetime import time
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from salescrm.fields import BoundedTextField
from salescrm.roles import TEAM_ROLES, Role

# The languages people read and documents are printed in (one list for all of them).
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
DEFAULT_DOCUMENT_LANGUAGE = "zh-hans"
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff]")


def name_from_parts(first: str, last: str) -> str:
    """A person's name from Django's first and last name, in the order their language writes it.

    Chinese puts the family name first with no space (刘 + 静 → 刘静); Western names read
    "Jing Liu". Used to fill display_name for people entered before it existed.
    """
    first, last = (first or "").strip(), (last or "").strip()
    if _CJK.search(first + last):
        return f"{last}{first}"
    return " ".join(part for part in (first, last) if part)


class Team(models.Model):
    """A sales team. Its manager is its one active member with the manager role
    (see salescrm.people; the database allows no second one)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.SALESPERSON
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    ability_weight = models.PositiveSmallIntegerField(
        _("ability weight"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (new) to 5 (strongest); balances customer assignment."),
    )
    discount_authority = models.DecimalField(
        _("discount authority (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Largest discount off list price this person may agree."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=LANGUAGES,
        help_text=_("Empty: follow the browser."),
    )
    # kind -> "instant" | "daily" | "off" (salescrm.notifications.email_mode); missing: default.
    email_preferences = models.JSONField(_("e-mail preferences"), default=dict, blank=True)
    # The one name shown for a person everywhere (pages, e-mails, exports, selects, admin).
    display_name = models.CharField(
        _("display name"),
        max_length=100,
        blank=True,
        help_text=_("As the person writes it, e.g. 刘静 or Jing Liu. Empty: the user name."),
    )
    sort_name = models.CharField(
        _("sort key"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_("How lists order this person, e.g. the pinyin liu jing. Empty: the name."),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(ability_weight__gte=1, ability_weight__lte=5),
                name="user_ability_weight_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(discount_authority__gte=0, discount_authority__lte=100),
                name="user_discount_authority_0_to_100",
            ),
            # One definition of "the manager of a team": its only active manager.
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(role=Role.MANAGER, is_active=True),
                name="one_active_manager_per_team",
                violation_error_message=_("This team already has an active sales manager."),
            ),
        ]

    def save(self, *args, **kwargs):
        # The sort key follows the name unless someone set one.
        if not self.sort_name and self.display_name:
            self.sort_name = self.display_name.casefold()[:100]
            fields = kwargs.get("update_fields")
            if fields is not None and "display_name" in fields:
                kwargs["update_fields"] = {*fields, "sort_name"}
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        """The person's name as shown: the display name, else first and last name in order."""
        return self.display_name.strip() or name_from_parts(self.first_name, self.last_name)

    def get_short_name(self) -> str:
        return self.get_full_name() or self.username

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_team_role(self) -> bool:
        return self.role in TEAM_ROLES


class CalendarDay(models.Model):
    """A company-specific exception to the official calendar (extra day off or on)."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d}"


class JobRun(models.Model):
    """What one run of a scheduled job did: when, how long, what it changed."""

    name = models.CharField(_("job"), max_length=100)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["name", "-started_at"])]

    def __str__(self):
        return f"{self.name} @ {self.started_at:%Y-%m-%d %H:%M:%S}"


class FormSubmission(models.Model):
    """A create form's one-time token (salescrm.idempotency), kept in the transaction that
    creates the record: the same form sent again finds it and shows what the first made."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token = models.UUIDField(_("token"))
    submitted_at = models.DateTimeField(_("submitted at"))
    result_url = models.CharField(_("result"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="form_submission_once")
        ]
        indexes = [models.Index(fields=["submitted_at"])]

    def __str__(self):
        return str(self.token)


class Policy(models.Model):
    """Company-wide targets and deadlines the administrator may change (one row)."""

    daily_new_customers_target = models.PositiveSmallIntegerField(
        _("new customer files per person per working day"), default=10
    )
    weekly_visits_target = models.PositiveSmallIntegerField(
        _("visits per person per week"), default=10
    )
    file_completion_working_days = models.PositiveSmallIntegerField(
        _("working days to complete a customer file"), default=2
    )
    first_contact_days = models.PositiveSmallIntegerField(
        _("days to make first contact after assignment"), default=7
    )
    first_contact_reminder_days = models.PositiveSmallIntegerField(
        _("days before the first-contact deadline to remind the owner"), default=2
    )
    reassignment_grace_working_days = models.PositiveSmallIntegerField(
        _("working days a manager has to act on a missed first contact"), default=2
    )
    visit_log_working_days = models.PositiveSmallIntegerField(
        _("working days to write the log of a visit"), default=2
    )
    end_of_working_day = models.TimeField(_("end of the working day"), default=time(18, 0))
    major_agreement_threshold = models.DecimalField(
        _("major agreement above this total (CNY)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("500000.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("An agreement whose total is above this needs the marketing director."),
    )
    # Collections (回款): how a plan is proposed from an agreement's payment terms, and when
    # the salesperson is reminded of an instalment.
    collection_deposit_percent = models.DecimalField(
        _("deposit on signing (%) when the payment terms name none"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("30.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("0 or 100: the whole total falls due as one instalment."),
    )
    collection_balance_working_days = models.PositiveSmallIntegerField(
        _("working days after the campaign starts for the balance"), default=20
    )
    collection_reminder_working_days = models.PositiveSmallIntegerField(
        _("working days before an instalment is due to remind the salesperson"), default=3
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policy")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="policy_single_row"),
            models.CheckConstraint(
                condition=Q(collection_deposit_percent__gte=0)
                & Q(collection_deposit_percent__lte=100),
                name="policy_deposit_percent_range",
            ),
        ]

    def __str__(self):
        return str(_("Company policy"))


class CompanyProfile(models.Model):
    """Our company as printed on plans and agreements (乙方): one row, kept in history."""

    letterhead = models.CharField(
        _("letterhead"),
        max_length=200,
        blank=True,
        help_text=_("The line at the top of every printed document. Empty: the legal name."),
    )
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    legal_name_en = models.CharField(_("legal name in English"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    address_en = models.CharField(_("address in English"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    tax_number = models.CharField(
        _("taxpayer ID"),
        max_length=20,
        blank=True,
        help_text=_("纳税人识别号: the 18-character unified social credit code."),
    )
    bank = models.CharField(_("bank"), max_length=200, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("company profile")
        verbose_name_plural = _("company profile")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="company_profile_single_row")
        ]

    def __str__(self):
        return self.legal_name or str(_("Company profile"))

    def name_in(self, language: str) -> str:
        """The legal name for a document in `language` (the Chinese one when no English)."""
        if language == "en" and self.legal_name_en:
            return self.legal_name_en
        return self.legal_name

    def address_in(self, language: str) -> str:
        if language == "en" and self.address_en:
            return self.address_en
        return self.address


class Notification(models.Model):
    """One entry in a person's inbox. The text is rendered in the reader's language.

    A notification that asks its reader to act (salescrm.notifications.ACTIONS: approve
    this slip, decide this claim, ...) names the record it is about (`subject`); when the
    action is done, by anyone entitled, the service that did it resolves it for every
    recipient, and it stops waiting. Others are for information and wait until read.
    """

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=50)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    params = models.JSONField(default=dict, blank=True)
    body = BoundedTextField(_("text"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    # The record an actionable notification is about (e.g. visits.visitslip 12).
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    actionable = models.BooleanField(_("asks for an action"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("done at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # The lease of the worker e-mailing it (salescrm.notifications.email_notifications):
    # taken before sending, given back on a failure; a lease older than
    # NOTIFICATION_EMAIL_LEASE belongs to a worker that died, and the sweep sends it again.
    email_claimed_at = models.DateTimeField(_("e-mail claimed at"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    # Batching (salescrm.notifications.email_due): e-mailed from this moment on, together
    # with the reader's other pending ones; empty: at once. Not wanted: the reader turned
    # this kind's e-mail off (the inbox still has it).
    email_due_at = models.DateTimeField(_("e-mail due at"), null=True, blank=True)
    email_wanted = models.BooleanField(_("e-mail wanted"), default=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"]),
            # The e-mails waiting for their batch (salescrm.notifications.email_due).
            models.Index(
                fields=["email_due_at"],
                condition=Q(emailed_at__isnull=True, email_wanted=True),
                name="notification_email_due",
            ),
            # What still waits for the action it asks: resolved by subject and kind.
            models.Index(
                fields=["subject_type", "subject_id", "kind"],
                condition=Q(resolved_at__isnull=True, actionable=True),
                name="notification_open_action",
            ),
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(resolved_at__isnull=True),
                name="notification_waiting",
            ),
            # The e-mail sweep: notifications not e-mailed yet, by age.
            models.Index(
                fields=["created_at"],
                condition=Q(emailed_at__isnull=True),
                name="notification_email_pending",
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient}"


class DigestSent(models.Model):
    """One digest e-mail claimed for one person and period: never two of the same."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("Weekly digest")
        DAILY_BRIEF = "daily_brief", _("Daily brief")

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="digests_sent", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    period_start = models.DateField(_("period start"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        ordering = ["-period_start", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "period_start"], name="one_digest_per_period"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.period_start:%Y-%m-%d} → {self.recipient}"


class SavedView(models.Model):
    """A list's filters and sorting, saved by one person under a name ("My quiet key accounts")."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="saved_views", verbose_name=_("user")
    )
    # The list page (its URL name, one of salescrm.saved_views.PAGES).
    page = models.CharField(_("page"), max_length=50)
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "page", "name"], name="one_saved_view_per_name")
        ]

    def __str__(self):
        return self.name


class AuthEvent(models.Model):
    """One authentication event (salescrm.accounts.events): append-only, read in the admin.

    The database refuses UPDATE and DELETE on this table (migration 0014).
    """

    class Kind(models.TextChoices):
        LOGIN = "login", _("signed in with a password")
        LOGIN_FAILED = "login_failed", _("sign-in failed")
        LOCKED_OUT = "locked_out", _("locked out after failed sign-ins")
        LOGOUT = "logout", _("signed out")
        MFA_VERIFIED = "mfa_verified", _("second factor accepted")
        MFA_FAILED = "mfa_failed", _("second factor refused")
        MFA_ENROLLED = "mfa_enrolled", _("authenticator app set up")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("password reset requested")
        PASSWORD_RESET_REFUSED = "password_reset_refused", _("password reset refused (too many)")
        PASSWORD_RESET_DONE = "password_reset_done", _("password reset completed")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("success")
        FAILURE = "failure", _("failure")

    at = models.DateTimeField(_("when"), db_index=True)
    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # What was typed (a failed sign-in may name nobody), or the address a reset was asked for.
    username = models.CharField(_("username given"), max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("authentication event")
        verbose_name_plural = _("authentication events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["kind", "ip_address", "at"]),
            models.Index(fields=["kind", "username", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"
