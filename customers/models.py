from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from salescrm import stored_text
from salescrm.concurrency import Versioned
from salescrm.fields import BoundedTextField
from salescrm.models import DEFAULT_DOCUMENT_LANGUAGE, LANGUAGES


class SourceChannel(models.TextChoices):
    TRADE_SHOW = "trade_show", _("Trade show / exhibition")
    INDUSTRY_PRESS = "industry_press", _("Industry press")
    INTERNET = "internet", _("Internet")
    INDUSTRY_ASSOCIATION = "association", _("Industry association")
    LEADING_COMPANY = "leading_company", _("Leading company of an industry")
    MALL_BRAND_LIST = "mall_brands", _("Mall brand list")
    PARTNER_REFERRAL = "partner", _("Partner referral")
    COMPANY_DATA = "company_data", _("Company data")
    COMPETING_MEDIA = "competing_media", _("Competing media")
    MARKETING_EVENT = "marketing_event", _("Company marketing event")
    OTHER = "other", _("Other")


class PipelineClass(models.TextChoices):
    """Rule 3.1, in order of progress."""

    UNCLASSIFIED = "unclassified", _("Unclassified")
    TRACKING = "tracking", _("Tracking")
    POTENTIAL = "potential", _("Potential")
    PROGRESSING = "progressing", _("Progressing")
    KEY = "key", _("Key")
    LETTER_OF_INTENT = "loi", _("Letter of intent signed")
    SIGNED = "signed", _("Signed")


class DecisionPower(models.TextChoices):
    YES = "yes", _("Decision maker")
    NO = "no", _("Not a decision maker")
    UNKNOWN = "unknown", _("Unknown")


class CheckState(models.TextChoices):
    """The manager's weekly check of new files (rule 1.2)."""

    PENDING = "pending", _("Waiting for check")
    CHECKED = "checked", _("Checked")
    RETURNED = "returned", _("Returned for correction")


def file_overdue(now) -> Q:
    """A file still incomplete past its completion deadline (rule 1.2): the one definition,
    used by the list filter, the selectors, the digests and the file-completion job."""
    return Q(completed_at__isnull=True, completion_due_at__lt=now)


class CustomerQuerySet(models.QuerySet):
    def file_overdue(self, now):
        return self.filter(file_overdue(now))


class Customer(Versioned):
    """Customer Information File (客户信息档案)."""

    edit_fields = (
        "name", "credit_code", "source", "source_detail", "collected_on", "phone", "industry",
        "city", "address", "website", "needs", "notes",
    )  # fmt: skip
    edit_noun = _("customer file")

    name = models.CharField(_("company name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        help_text=_("统一社会信用代码, 18 characters."),
    )
    source = models.CharField(_("source channel"), max_length=30, choices=SourceChannel.choices)
    source_detail = models.CharField(_("source detail"), max_length=200, blank=True)
    collected_on = models.DateField(_("date collected"))
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    language = models.CharField(
        _("document language"),
        max_length=10,
        choices=LANGUAGES,
        default=DEFAULT_DOCUMENT_LANGUAGE,
        help_text=_("The language the customer reads: plans and agreements are printed in it."),
    )
    needs = BoundedTextField(_("needs and problems (as the customer sees them)"), blank=True)
    notes = BoundedTextField(_("notes"), blank=True)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="customers",
        null=True,
        blank=True,
        help_text=_("Empty: the customer is in the unowned pool."),
    )
    # In the pool: the team whose manager assigns it (empty: the company's, any manager).
    pool_team = models.ForeignKey(
        "salescrm.Team",
        verbose_name=_("pool of team"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Empty: the company's pool, which every sales manager sees."),
    )
    # The lead list it came from, if it was imported.
    source_import = models.ForeignKey(
        "CustomerImport",
        verbose_name=_("import batch"),
        on_delete=models.SET_NULL,
        related_name="customers",
        null=True,
        blank=True,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), db_index=True)
    pipeline_class = models.CharField(
        _("class"),
        max_length=20,
        choices=PipelineClass.choices,
        default=PipelineClass.UNCLASSIFIED,
        db_index=True,
    )

    # File completion (rule 1.2): due at the end of the N-th working day after collection
    # (Policy.file_completion_working_days, 2 by default).
    completion_due_at = models.DateTimeField(_("file due"), db_index=True)
    completed_at = models.DateTimeField(_("file completed"), null=True, blank=True)

    # First contact within one week of every assignment (rule 1.3.3).
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    first_contact_due_at = models.DateTimeField(
        _("first contact due"), null=True, blank=True, db_index=True
    )
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    first_contact_reminded_at = models.DateTimeField(null=True, blank=True)
    # Missed: the customer waits in the manager's reassignment queue until the manager acts,
    # or until reassignment_due_at, when it is reassigned automatically.
    first_contact_missed_at = models.DateTimeField(
        _("first contact missed"), null=True, blank=True, db_index=True
    )
    reassignment_due_at = models.DateTimeField(
        _("reassigned automatically at"), null=True, blank=True, db_index=True
    )
    extension_granted_at = models.DateTimeField(_("extension granted"), null=True, blank=True)
    extension_reason = BoundedTextField(_("reason for the extension"), blank=True)
    # When the file-completion job told the owner and manager the file is overdue (so it
    # tells them once). Whether a file is overdue now is file_overdue(now), not this flag.
    completion_overdue_at = models.DateTimeField(_("file marked overdue"), null=True, blank=True)

    # The manager's weekly check (rule 1.2).
    check_state = models.CharField(
        _("check"),
        max_length=10,
        choices=CheckState.choices,
        default=CheckState.PENDING,
        db_index=True,
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    check_comment = BoundedTextField(_("check comment"), blank=True)

    # The last time someone worked the customer: a contact record or a completed visit
    # (customers.services.customer_touch, called by visits). Shown on lists, filtered on.
    last_activity_at = models.DateTimeField(_("last contact"), null=True, blank=True, db_index=True)

    # Escalated to the manager as hard or large (rule 2.3.2), until the manager closes it.
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    # Pool rules (公海规则, customers.recycling): when the owner was warned the customer is
    # about to return to the pool, the manager's one extension (extra working days) and lock.
    recycle_warned_at = models.DateTimeField(_("warned of the return"), null=True, blank=True)
    recycle_extension_days = models.PositiveSmallIntegerField(
        _("extension of the return (working days)"), default=0
    )
    recycle_extension_reason = BoundedTextField(_("reason for the extension"), blank=True)
    recycle_locked_until = models.DateField(_("kept out of the pool until"), null=True, blank=True)
    recycle_lock_reason = BoundedTextField(_("reason for the lock"), blank=True)
    # The last return to the pool: when, why (a code of recycling.RETURN_REASONS), from whom.
    returned_to_pool_at = models.DateTimeField(_("returned on"), null=True, blank=True)
    return_reason = models.CharField(_("why"), max_length=30, blank=True)
    former_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("former owner"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )

    # The last contact is derived from the contact records and visits (kept in their history).
    history = HistoricalRecords(excluded_fields=["last_activity_at"])

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-entered_at"]
        indexes = [
            models.Index(fields=["owner", "pipeline_class"]),
            # Every ordering the list offers (StableOrderingFilter adds the id), for a
            # salesperson's own customers and for the whole table (a manager's team, the
            # director): page 1 and every page up to salescrm.paging.LIMIT read the index
            # in order and stop after the page, never sort the table. Checked by EXPLAIN in
            # customers/tests/test_list_plans.py.
            models.Index(fields=["owner", "-entered_at", "-id"], name="customer_owner_entered"),
            models.Index(fields=["owner", "name", "id"], name="customer_owner_name"),
            models.Index(fields=["owner", "last_activity_at", "id"], name="customer_owner_contact"),
            models.Index(fields=["owner", "completion_due_at", "id"], name="customer_owner_due"),
            models.Index(fields=["-entered_at", "-id"], name="customer_entered"),
            models.Index(fields=["name", "id"], name="customer_name"),
            models.Index(fields=["last_activity_at", "id"], name="customer_contact"),
            models.Index(fields=["completion_due_at", "id"], name="customer_due"),
            # The pool, oldest first, per team.
            models.Index(
                fields=["pool_team", "entered_at"],
                condition=Q(owner__isnull=True),
                name="customer_pool_by_team",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def in_pool(self) -> bool:
        return self.owner_id is None

    @property
    def next_deadline(self) -> tuple[str, datetime] | None:
        """The soonest deadline still open on the file: ("file", when) or ("contact", when)."""
        open_deadlines = []
        if self.completed_at is None:
            open_deadlines.append(("file", self.completion_due_at))
        if self.owner_id and self.first_contact_at is None and self.first_contact_due_at:
            open_deadlines.append(("contact", self.first_contact_due_at))
        return min(open_deadlines, key=lambda deadline: deadline[1], default=None)


class IdentityKey(models.Model):
    """A normalised identifier of a customer; unique, so the first record wins."""

    class Kind(models.TextChoices):
        NAME = "name", _("company name")
        CREDIT_CODE = "credit_code", _("unified social credit code")
        PHONE = "phone", _("phone")
        EMAIL = "email", _("e-mail")
        DOMAIN = "domain", _("website")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="keys")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.CharField(max_length=320)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="identity_key_first_record_wins")
        ]

    def __str__(self):
        return f"{self.kind}:{self.value}"


class ContactPerson(Versioned):
    edit_fields = ("name", "title", "phone", "email", "decision_power")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contact_people")
    name = models.CharField(pgettext_lazy("a person's", "name"), max_length=100)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    decision_power = models.CharField(
        _("decision power"),
        max_length=10,
        choices=DecisionPower.choices,
        default=DecisionPower.UNKNOWN,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact people")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.name


# Why the system (not a person) changed a class: kept as a code and raw values and
# shown in the reader's language (salescrm.stored_text).
CLASS_CHANGE_REASONS = {
    "visit_log": _("Suggested by the visit log of %(day)s"),
    "letter_of_intent": _("Letter of intent for %(number)s signed on %(day)s"),
    "agreement_signed": _("Agreement %(number)s signed on %(day)s"),
}


class ClassChange(models.Model):
    """Every change of pipeline class: who, when, why.

    A person's reason is their text (`reason`); a reason the system gives is a code
    of CLASS_CHANGE_REASONS with its parameters, shown in the reader's language
    (`reason` then keeps it in the site's language, for the admin and exports).
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="class_changes")
    from_class = models.CharField(_("from"), max_length=20, choices=PipelineClass.choices)
    to_class = models.CharField(_("to"), max_length=20, choices=PipelineClass.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"))
    reason = BoundedTextField(_("reason"))
    reason_code = models.CharField(_("system reason"), max_length=30, blank=True)
    reason_params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.customer}: {self.from_class} → {self.to_class}"

    @property
    def reason_text(self) -> str:
        """Why, in the active language."""
        if self.reason_code in CLASS_CHANGE_REASONS:
            return stored_text.render(CLASS_CHANGE_REASONS[self.reason_code], self.reason_params)
        return self.reason


class Assignment(models.Model):
    """Every time a customer gets an owner (or goes back to the pool)."""

    class Reason(models.TextChoices):
        COLLECTED = "collected", _("Collected by the owner")
        MANAGER = "manager", _("Assigned by the manager")
        CLAIM = "claim", _("Ownership claim granted")
        REASSIGNED = "reassigned", _("Reassigned")
        AUTOMATIC = "automatic", _("Reassigned automatically after a missed first contact")
        TO_POOL = "to_pool", _("Returned to the pool")
        RECYCLED = "recycled", _("Returned to the pool: not followed up")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="assignments")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments_received",
    )
    previous_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Empty: the system, by the reassignment rule."),
    )
    assigned_at = models.DateTimeField(db_index=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)

    class Meta:
        ordering = ["-assigned_at", "-pk"]
        indexes = [models.Index(fields=["assignee", "-assigned_at"])]

    def __str__(self):
        return f"{self.customer} → {self.assignee or '—'}"


class OwnershipClaim(models.Model):
    """A second person's claim on a customer someone else recorded first."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the manager")
        KEPT = "kept", _("Owner kept")
        TRANSFERRED = "transferred", _("Transferred to the claimant")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="claims")
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claims"
    )
    owner_at_claim = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = BoundedTextField(_("reason"))
    created_at = models.DateTimeField(_("filed at"))
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = BoundedTextField(_("decision comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "claimant"],
                condition=Q(state="pending"),
                name="one_pending_claim_per_claimant",
            )
        ]

    def __str__(self):
        return f"{self.claimant} claims {self.customer}"


class CustomerNote(models.Model):
    """The shared thread on a customer: escalations, replies and the manager's guidance."""

    class Kind(models.TextChoices):
        ESCALATION = "escalation", _("Escalation")
        GUIDANCE = "guidance", _("Guidance")
        COMMENT = "comment", _("Comment")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="thread")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    body = BoundedTextField(_("text"))
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.kind} on {self.customer}"


class CustomerImport(models.Model):
    """An uploaded lead list: the file as uploaded, its per-row report and what became of it.

    The file is kept in the database (not under MEDIA_ROOT) so the confirm step can
    re-read it on any web machine, and the record stays as the history of the import.
    The status changes only through customers.imports.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking the file")
        REFUSED = "refused", _("Refused: the file cannot be read")
        PREVIEWED = "previewed", _("Previewed, waiting for confirmation")
        IMPORTING = "importing", _("Importing")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Failed: nothing imported")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="customer_imports",
    )
    created_at = models.DateTimeField(_("uploaded at"))
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file content"))
    to_pool = models.BooleanField(_("into the unowned pool"), default=False)
    default_source = models.CharField(
        _("default source channel"), max_length=30, choices=SourceChannel.choices, blank=True
    )
    # Into the pool of this team only (empty: the company's pool).
    pool_team = models.ForeignKey(
        "salescrm.Team",
        verbose_name=_("pool of team"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEWED
    )
    # {"columns": [[header, field], ...], "ignored": [header, ...], "rows": [row result, ...]}
    report = models.JSONField(_("report"), default=dict, blank=True)
    new_count = models.PositiveIntegerField(_("new"), default=0)
    duplicate_count = models.PositiveIntegerField(_("duplicates"), default=0)
    invalid_count = models.PositiveIntegerField(_("invalid"), default=0)
    imported_count = models.PositiveIntegerField(_("imported"), default=0)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    # Why the last confirmation failed: {"row": n, "code": ..., "params": {...}}.
    failure = models.JSONField(_("failure"), default=dict, blank=True)

    class Meta:
        verbose_name = _("customer import")
        verbose_name_plural = _("customer imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["uploaded_by", "-created_at"])]

    def __str__(self):
        return self.file_name


class RecycleRule(models.Model):
    """The company's pool policy for one pipeline class (set by the administrator): a
    customer nobody follows up for `working_days` returns to the pool (customers.recycling)."""

    pipeline_class = models.CharField(
        _("class"), max_length=20, choices=PipelineClass.choices, unique=True
    )
    working_days = models.PositiveSmallIntegerField(
        _("returns after (working days without follow-up)")
    )
    warning_working_days = models.PositiveSmallIntegerField(
        _("owner warned (working days before)"), default=3
    )
    extension_working_days = models.PositiveSmallIntegerField(
        _("the manager's extension (working days)"), default=10
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pool rule")
        verbose_name_plural = _("pool rules")
        ordering = ["pipeline_class"]

    def __str__(self):
        return f"{self.get_pipeline_class_display()}: {self.working_days}"


class CustomerImportProgress(models.Model):
    """How far the worker is with a confirmed import: written outside the import's own
    transaction (customers.imports.progress), so the page sees "240 / 600" while the
    all-or-nothing run is still open. No database foreign key: the run holds the
    import's row lock, and a key check would wait for it."""

    customer_import = models.OneToOneField(
        CustomerImport,
        on_delete=models.CASCADE,
        primary_key=True,
        db_constraint=False,
        related_name="progress",
    )
    started_at = models.DateTimeField(_("started at"))
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("import progress")
        verbose_name_plural = _("import progress")

    def __str__(self):
        return f"{self.done} / {self.total}"
