"""Advertising plans and service agreements (rule 4, Figures 1 and 2).

- Product: the price list (admin-managed).
- Plan (广告推广方案): reviewed by the manager, submitted to the customer as the Product
  Marketing Promotion Plan (产品行销推广方案); each submission for review freezes a
  PlanVersion, so every revision stays viewable.
- Agreement (广告销售服务协议): numbered per year, lines priced against the list,
  approved by the manager (and the director when major), sent, signed.
- Signature: one decision by one person (or their delegate) on one revision; never changed.
- Delegation: who may sign for whom, between two dates.
- ChangeRequest: a change asked for after signing, counted against the free allowance.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from contracts import rules
from salescrm.concurrency import Versioned
from salescrm.fields import BoundedTextField
from salescrm.models import DEFAULT_DOCUMENT_LANGUAGE, LANGUAGES

MONEY = {"max_digits": 14, "decimal_places": 2}


class Unit(models.TextChoices):
    SPOT = "spot", _("per spot")
    INSERTION = "insertion", _("per insertion")
    DAY = "day", _("per day")
    WEEK = "week", _("per week")
    MONTH = "month", _("per month")
    ITEM = "item", _("per item")


class Medium(models.TextChoices):
    TV = "tv", _("Television")
    RADIO = "radio", _("Radio")
    PRINT = "print", _("Print")
    OUTDOOR = "outdoor", _("Outdoor")
    ONLINE = "online", _("Online")
    OTHER = "other", _("Other")


class Product(models.Model):
    """A media product or ad slot on the price list."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    medium = models.CharField(_("medium"), max_length=10, choices=Medium.choices)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    list_price = models.DecimalField(
        _("list price (CNY)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    active = models.BooleanField(_("on the price list"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("price list")
        ordering = ["medium", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(list_price__gt=0), name="product_price_positive")
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In internal review")
    APPROVED = "approved", _("Review passed")
    SUBMITTED = "submitted", _("With the customer")
    ACCEPTED = "accepted", _("Accepted by the customer")
    CANCELLED = "cancelled", _("Cancelled")


PLAN_CONTENT_FIELDS = [
    "title", "objectives", "audience", "media_mix", "schedule", "budget", "period_start",
    "period_end", "language",
]  # fmt: skip


class Plan(Versioned):
    """Advertising Promotion Plan (广告推广方案), Figure 1."""

    edit_fields = tuple(PLAN_CONTENT_FIELDS)

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="plans"
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plans"
    )
    title = models.CharField(_("title"), max_length=200)
    objectives = BoundedTextField(_("the customer's objectives"))
    audience = BoundedTextField(_("target audience"), blank=True)
    media_mix = BoundedTextField(_("media and ad slots proposed"))
    schedule = BoundedTextField(_("schedule"), blank=True)
    budget = models.DecimalField(_("budget (CNY)"), **MONEY, null=True, blank=True)
    period_start = models.DateField(_("campaign from"), null=True, blank=True)
    period_end = models.DateField(_("campaign to"), null=True, blank=True)
    # The language the document is printed in, whoever prints it (empty: the customer's).
    language = models.CharField(
        _("document language"),
        max_length=10,
        choices=LANGUAGES,
        blank=True,
        help_text=_("Empty: the customer's language."),
    )

    state = models.CharField(
        _("state"), max_length=12, choices=PlanState.choices, default=PlanState.DRAFT
    )
    # The number of the latest frozen version (0 before the first review).
    version = models.PositiveIntegerField(_("version"), default=0)
    created_at = models.DateTimeField(_("created at"))
    # Why it is a draft again: the review's reason or the customer's feedback.
    return_reason = BoundedTextField(_("reason it came back"), blank=True)
    submitted_to_customer_at = models.DateTimeField(
        _("submitted to the customer at"), null=True, blank=True
    )
    customer_decided_at = models.DateTimeField(_("customer decided at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("advertising promotion plan")
        verbose_name_plural = _("advertising promotion plans")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["salesperson", "state"]), models.Index(fields=["state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="plan_period_in_order",
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.customer})"


class PlanVersion(models.Model):
    """The plan as it was submitted for review: frozen, with what became of it."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("In review")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REJECTED = "rejected", _("Rejected in review")
        APPROVED = "approved", _("Review passed")
        REOPENED = "reopened", _("Reopened to revise")
        DECLINED = "declined", _("Declined by the customer")
        ACCEPTED = "accepted", _("Accepted by the customer")
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    created_at = models.DateTimeField(_("submitted at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    outcome_reason = BoundedTextField(_("reason or feedback"), blank=True)
    outcome_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_number")
        ]

    def __str__(self):
        return f"{self.plan} v{self.number}"


class AgreementState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    MANAGER_REVIEW = "manager", pgettext_lazy("agreement state", "Waiting for the manager")
    DIRECTOR_REVIEW = "director", _("Waiting for the director")
    APPROVED = "approved", _("Approved")
    SENT = "sent", _("Sent to the customer")
    SIGNED = "signed", pgettext_lazy("agreement state", "Signed")
    CANCELLED = "cancelled", _("Cancelled")


class AgreementCounter(models.Model):
    """The last agreement number given out in a year (locked to give the next one)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("agreement number counter")
        verbose_name_plural = _("agreement number counters")

    def __str__(self):
        return f"{self.year}: {self.last}"


AGREEMENT_CONTENT_FIELDS = [
    "title", "period_start", "period_end", "free_changes", "fee_per_change", "payment_terms",
    "notes", "language",
]  # fmt: skip


class Agreement(Versioned):
    """Advertising Sales Service Agreement (广告销售服务协议), Figure 2."""

    edit_fields = tuple(AGREEMENT_CONTENT_FIELDS)

    number = models.CharField(_("number"), max_length=20, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="agreements"
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agreements"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="agreements")
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(
        _("campaign from"), null=True, blank=True, help_text=_("Empty: from the first line.")
    )
    period_end = models.DateField(
        _("campaign to"), null=True, blank=True, help_text=_("Empty: to the last line.")
    )
    free_changes = models.PositiveSmallIntegerField(
        _("free revisions / artwork replacements included"),
        default=0,
        help_text=_("0: none are free; every change is charged the fee below."),
    )
    fee_per_change = models.DecimalField(
        _("fee per further change (CNY)"), **MONEY, default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )  # fmt: skip
    payment_terms = BoundedTextField(_("payment terms"), blank=True)
    notes = BoundedTextField(_("other terms"), blank=True)
    # The language the document is printed in, whoever prints it (empty: the customer's).
    language = models.CharField(
        _("document language"),
        max_length=10,
        choices=LANGUAGES,
        blank=True,
        help_text=_("Empty: the customer's language."),
    )

    # Sums of the lines, kept by the service whenever the lines change.
    list_total = models.DecimalField(_("total at list price"), **MONEY, default=Decimal("0.00"))
    total = models.DecimalField(_("agreed total"), **MONEY, default=Decimal("0.00"))

    state = models.CharField(
        _("state"), max_length=10, choices=AgreementState.choices, default=AgreementState.DRAFT
    )
    # Each submission for approval is a new revision; signatures belong to one revision.
    revision = models.PositiveIntegerField(_("revision"), default=0)
    # Decided from the data when submitted: why the director must approve (empty: not major).
    major_reasons = models.JSONField(_("why it is major"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    return_reason = BoundedTextField(_("reason it came back"), blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_on = models.DateField(_("signed by the customer on"), null=True, blank=True)
    signed_recorded_at = models.DateTimeField(_("signing recorded at"), null=True, blank=True)
    loi_signed_on = models.DateField(_("letter of intent signed on"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = BoundedTextField(_("reason for cancelling"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("advertising sales service agreement")
        verbose_name_plural = _("advertising sales service agreements")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["salesperson", "state"]),
            models.Index(fields=["state"]),
            models.Index(fields=["signed_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="agreement_period_in_order",
            )
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_major(self) -> bool:
        return bool(self.major_reasons)

    @property
    def discount(self) -> Decimal:
        return self.list_total - self.total

    @property
    def discount_percent(self) -> Decimal:
        return rules.discount_percent(self.list_total, self.total)


class AgreementLine(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("line"))
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    # Copied from the price list when the line is saved: a later list change does not
    # alter an agreement already drafted.
    list_price = models.DecimalField(_("list price"), **MONEY)
    agreed_price = models.DecimalField(
        _("agreed price"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement line")
        verbose_name_plural = _("agreement lines")
        ordering = ["agreement", "position"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "position"], name="one_line_position"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(agreed_price__gte=0), name="line_agreed_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="line_period_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.agreement.number} #{self.position}"

    @property
    def list_amount(self) -> Decimal:
        return self.list_price * self.quantity

    @property
    def amount(self) -> Decimal:
        return rules.amounts(self)[1]

    @property
    def discount_percent(self) -> Decimal:
        return rules.discount_percent(self.list_price, self.agreed_price)


class Step(models.TextChoices):
    """What a signature is for."""

    PLAN_REVIEW = "plan_review", _("Internal review of the plan")
    MANAGER = "manager", _("Sales manager's approval")
    DIRECTOR = "director", _("Marketing director's approval")


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Delegation(models.Model):
    """`delegate` may sign for `delegator` from `valid_from` to `valid_until` (inclusive)."""

    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_given",
        verbose_name=_("signs for"),
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_received",
        verbose_name=_("delegate"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-valid_from", "-pk"]
        indexes = [models.Index(fields=["delegate", "valid_from", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="delegation_dates_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(delegator=models.F("delegate")), name="delegation_not_to_self"
            ),
        ]

    def __str__(self):
        return f"{self.delegate} → {self.delegator} ({self.valid_from} .. {self.valid_until})"


class Signature(models.Model):
    """One decision on one revision of a plan or agreement. Never changed or removed.

    `signer` is who acted; `on_behalf_of` whose signature it is (the same person unless
    signed under `delegation`). A database trigger refuses UPDATE and DELETE.
    """

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="signatures"
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, null=True, blank=True, related_name="signatures"
    )
    revision = models.PositiveIntegerField(_("revision"))
    step = models.CharField(_("step"), max_length=12, choices=Step.choices)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="signatures_made",
        verbose_name=_("signed by"),
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="signatures_owned",
        verbose_name=_("on behalf of"),
    )
    delegation = models.ForeignKey(
        Delegation, on_delete=models.PROTECT, null=True, blank=True, related_name="signatures"
    )
    signed_at = models.DateTimeField(_("signed at"))
    comment = BoundedTextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False, agreement__isnull=True)
                | Q(plan__isnull=True, agreement__isnull=False),
                name="signature_on_one_document",
            ),
            models.CheckConstraint(
                condition=Q(delegation__isnull=True, signer=models.F("on_behalf_of"))
                | Q(delegation__isnull=False) & ~Q(signer=models.F("on_behalf_of")),
                name="signature_delegation_consistent",
            ),
            # One decision per step and revision: a second approver loses the race here.
            models.UniqueConstraint(
                fields=["plan", "revision", "step"],
                condition=Q(plan__isnull=False),
                name="one_plan_signature_per_step",
            ),
            models.UniqueConstraint(
                fields=["agreement", "revision", "step"],
                condition=Q(agreement__isnull=False),
                name="one_agreement_signature_per_step",
            ),
        ]

    def __str__(self):
        return f"{self.get_step_display()} · {self.get_decision_display()} · {self.signer}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A signature is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A signature is never removed.")

    @property
    def delegated(self) -> bool:
        return self.signer_id != self.on_behalf_of_id


class ChangeRequest(models.Model):
    """A change the customer asked for after signing: free while the allowance lasts."""

    class Kind(models.TextChoices):
        REVISION = "revision", _("Revision")
        ARTWORK = "artwork", _("Artwork replacement")

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="change_requests"
    )
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = BoundedTextField(_("what the customer asks"))
    requested_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    free = models.BooleanField(_("within the free allowance"))
    fee = models.DecimalField(_("fee (CNY)"), **MONEY)
    # The form's one-time token: a double click records the request once.
    token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="one_change_number")
        ]

    def __str__(self):
        return f"{self.agreement.number} change {self.number}"


def document_language(document) -> str:
    """The language a plan or agreement is printed in: its own, else its customer's."""
    return document.language or document.customer.language or DEFAULT_DOCUMENT_LANGUAGE
