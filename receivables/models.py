"""Money after the signature (回款).

- BillingDetails (开票信息): what the customer's invoices are made out to.
- CollectionPlan (回款计划): the instalments of one signed agreement, proposed from its
  payment terms, edited by the salesperson until the manager confirms it; the instalments
  add up to the plan's total (the agreed total), which a deferred database trigger checks
  at commit.
- Instalment: one due date and amount; `received` is what confirmed receipts have settled
  of it (the oldest instalment first), `settled_at` when fully paid.
- Receipt (回款记录): money received, recorded and confirmed by finance; only confirmed
  receipts count. A receipt recorded wrongly is reversed by finance with a reason (a
  reversal, never an edit): it stays on the record and no longer counts.
- Invoice (发票): requested by the salesperson, issued by finance; an issued invoice is
  voided (红冲) with a reason, never edited.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from salescrm.concurrency import Versioned
from salescrm.fields import BoundedTextField

MONEY = {"max_digits": 14, "decimal_places": 2}


class BillingDetails(Versioned):
    """开票信息: the customer's invoicing details."""

    edit_fields = ("invoice_title", "taxpayer_id", "address", "phone", "bank", "account")

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="billing_details"
    )
    invoice_title = models.CharField(_("invoice title"), max_length=200)
    taxpayer_id = models.CharField(
        _("taxpayer ID"),
        max_length=20,
        blank=True,
        help_text=_("纳税人识别号: the 18-character unified social credit code for companies."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    bank = models.CharField(_("bank"), max_length=200, blank=True)
    account = models.CharField(_("bank account"), max_length=40, blank=True)
    updated_at = models.DateTimeField(_("updated at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("billing details")
        verbose_name_plural = _("billing details")

    def __str__(self):
        return self.invoice_title


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")


class CollectionPlan(Versioned):
    """回款计划: the instalments in which one signed agreement is to be paid.

    Its instalments are child rows: changing them bumps the plan's version (concurrency.bump).
    """

    agreement = models.OneToOneField(
        "contracts.Agreement", on_delete=models.PROTECT, related_name="collection_plan"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=PlanState.choices, default=PlanState.DRAFT
    )
    # The agreed total when the plan was proposed: the instalments add up to it.
    total = models.DecimalField(_("total to collect"), **MONEY)
    created_at = models.DateTimeField(_("created at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("collection plan")
        verbose_name_plural = _("collection plans")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gt=0), name="collection_plan_total_positive")
        ]

    def __str__(self):
        return str(self.agreement)


class InstalmentQuerySet(models.QuerySet):
    def overdue(self, now):
        """Instalments of confirmed plans still not fully paid past the end of their due
        working day: the one definition of 逾期."""
        return self.filter(plan__state=PlanState.CONFIRMED, settled_at__isnull=True, due_at__lt=now)


class Instalment(models.Model):
    plan = models.ForeignKey(CollectionPlan, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("number"))
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("amount"), **MONEY)
    # What confirmed receipts have settled of it (oldest instalment first).
    received = models.DecimalField(_("received"), **MONEY, default=Decimal("0.00"))
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    # The end of the due day, and the start of the reminder day N working days before.
    due_at = models.DateTimeField(_("due at"), db_index=True)
    remind_at = models.DateTimeField(_("reminder at"), db_index=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = InstalmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["plan", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive"),
            models.CheckConstraint(
                condition=Q(received__gte=0) & Q(received__lte=models.F("amount")),
                name="instalment_received_within_amount",
            ),
            models.UniqueConstraint(fields=["plan", "number"], name="one_instalment_number"),
        ]

    def __str__(self):
        return f"{self.plan} #{self.number}"

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.received


class Method(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer")
    CHEQUE = "cheque", _("Cheque")
    CASH = "cash", _("Cash")
    OTHER = "other", _("Other")


class ReceiptState(models.TextChoices):
    RECORDED = "recorded", _("Recorded, not confirmed")
    CONFIRMED = "confirmed", _("Confirmed")
    # Recorded wrongly: kept, with its reason, but it no longer counts (never an edit).
    REVERSED = "reversed", _("Reversed")


class Receipt(models.Model):
    """回款记录: money the customer paid against one agreement."""

    agreement = models.ForeignKey(
        "contracts.Agreement", on_delete=models.PROTECT, related_name="receipts"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    received_on = models.DateField(_("received on"))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    reference = models.CharField(
        _("reference"), max_length=60, blank=True, help_text=_("Bank slip or cheque number.")
    )
    # The form's one-time token: the same submission twice (or by two people) is one row.
    token = models.UUIDField(_("submission token"), unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ReceiptState.choices, default=ReceiptState.RECORDED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversal_reason = BoundedTextField(_("reason for the reversal"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["received_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_amount_positive"),
            models.UniqueConstraint(
                fields=["agreement", "reference"],
                condition=~Q(reference="") & ~Q(state="reversed"),
                name="one_receipt_per_reference",
            ),
            models.CheckConstraint(
                condition=~Q(state="reversed")
                | (Q(reversed_at__isnull=False) & ~Q(reversal_reason="")),
                name="reversed_receipt_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.agreement.number} {self.amount}"


class InvoiceKind(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary VAT invoice (普票)")
    SPECIAL = "special", _("Special VAT invoice (专票)")


class InvoiceState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ISSUED = "issued", _("Issued")
    # 红冲: cancelled by a red-letter invoice; kept with its number and reason, not counted.
    VOIDED = "voided", _("Voided (红冲)")


class Invoice(models.Model):
    """发票: requested by the salesperson, issued by finance (number and date)."""

    agreement = models.ForeignKey(
        "contracts.Agreement", on_delete=models.PROTECT, related_name="invoices"
    )
    kind = models.CharField(_("invoice type"), max_length=10, choices=InvoiceKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    state = models.CharField(
        _("state"), max_length=10, choices=InvoiceState.choices, default=InvoiceState.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    number = models.CharField(_("invoice number"), max_length=30, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = BoundedTextField(_("reason for voiding"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount_positive"),
            models.CheckConstraint(
                condition=Q(state="requested") | (~Q(number="") & Q(issued_on__isnull=False)),
                name="issued_invoice_has_number_and_date",
            ),
            models.CheckConstraint(
                condition=~Q(state="voided") | (Q(voided_at__isnull=False) & ~Q(void_reason="")),
                name="voided_invoice_has_reason",
            ),
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="one_invoice_per_number"
            ),
        ]

    def __str__(self):
        return self.number or f"{self.agreement.number} {self.amount}"
