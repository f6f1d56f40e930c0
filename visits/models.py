from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.models import DecisionPower, PipelineClass
from salescrm.concurrency import Versioned
from salescrm.fields import BoundedTextField


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    FAX = "fax", _("Fax")
    EMAIL = "email", _("E-mail")
    POST = "post", _("Post")
    WEBSITE = "website", _("Website link")
    VISIT = "visit", _("Visit")
    OTHER = "other", _("Other")


class ContactRecord(models.Model):
    """One contact with a customer (rule 2.1); the first one meets the first-contact deadline."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="contact_records"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    contacted_at = models.DateTimeField(_("contacted at"), db_index=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    brochure_sent = models.BooleanField(_("company brochure sent"), default=False)
    proposal_sent = models.BooleanField(_("printed proposal sent"), default=False)
    receipt_confirmed = models.BooleanField(_("receipt confirmed"), default=False)
    meeting_at = models.DateTimeField(_("meeting booked for"), null=True, blank=True)
    summary = BoundedTextField(_("summary"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact record")
        verbose_name_plural = _("contact records")
        ordering = ["-contacted_at", "-pk"]

    def __str__(self):
        return f"{self.customer} · {self.get_channel_display()}"


class SlipState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    DEPARTED = "departed", _("Out on the visit")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")


class VisitSlip(Versioned):
    """Customer Visit Slip (客户走访单): plan, approval, departure and return (rule 2.4.1)."""

    edit_fields = (
        "plan", "planned_departure", "expected_return", "recent_status", "purpose", "objectives",
        "likely_issues",
    )  # fmt: skip

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="visit_slips"
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visit_slips"
    )
    contact_record = models.ForeignKey(
        ContactRecord,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The contact in which the meeting was booked."),
    )
    plan = BoundedTextField(_("visit plan and objectives"))
    planned_departure = models.DateTimeField(_("planned departure"))
    expected_return = models.DateTimeField(_("expected return"))
    # Pre-visit report (rule 3.2), required for a revisit.
    is_revisit = models.BooleanField(_("revisit"), default=False)
    recent_status = BoundedTextField(_("recent follow-up status"), blank=True)
    purpose = BoundedTextField(_("purpose of the visit"), blank=True)
    objectives = BoundedTextField(_("objectives"), blank=True)
    likely_issues = BoundedTextField(_("issues likely to come up"), blank=True)

    state = models.CharField(
        _("state"),
        max_length=10,
        choices=SlipState.choices,
        default=SlipState.DRAFT,
        db_index=True,
    )
    created_at = models.DateTimeField(_("created at"))
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = BoundedTextField(_("reason for rejection"), blank=True)
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    departure_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = BoundedTextField(_("reason for cancelling"), blank=True)
    # When a departed slip without a return becomes overdue: the expected return, or the
    # end of the working day, whichever comes first (moved by a late notice).
    overdue_at = models.DateTimeField(_("overdue from"), null=True, blank=True, db_index=True)
    late_notice_at = models.DateTimeField(_("late notice sent"), null=True, blank=True)
    late_notice_text = BoundedTextField(_("late notice"), blank=True)
    # Set by the visit-return job when the slip passes overdue_at still out; cleared by a
    # late notice (a new time) so the next miss is flagged again.
    overdue_flagged_at = models.DateTimeField(_("flagged late"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer visit slip")
        verbose_name_plural = _("customer visit slips")
        ordering = ["-planned_departure", "-pk"]
        indexes = [models.Index(fields=["salesperson", "state", "-planned_departure"])]

    def __str__(self):
        return f"{self.customer} · {self.planned_departure:%Y-%m-%d}"


class VisitLogQuerySet(models.QuerySet):
    def overdue(self, now):
        """Logs still unwritten past their due time: the one definition of a late log."""
        return self.filter(written_at__isnull=True, due_at__lt=now)


class VisitLog(Versioned):
    """The work log (日志) of a completed visit, due within N working days of it (rule 2.4.5;
    Policy.visit_log_working_days, 2 by default)."""

    edit_fields = (
        "person_met", "person_title", "person_phone", "decision_power", "needs", "met_nobody",
        "met_nobody_reason", "contact_person", "notes", "outcome", "next_step", "next_step_on",
        "suggested_class",
    )  # fmt: skip

    slip = models.OneToOneField(VisitSlip, on_delete=models.PROTECT, related_name="log")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="visit_logs"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField(_("due"), db_index=True)
    written_at = models.DateTimeField(_("written at"), null=True, blank=True)
    overdue_marked_at = models.DateTimeField(_("marked overdue"), null=True, blank=True)
    person_met = models.CharField(_("person met"), max_length=100, blank=True)
    person_title = models.CharField(_("their job title"), max_length=100, blank=True)
    person_phone = models.CharField(_("their phone"), max_length=50, blank=True)
    decision_power = models.CharField(
        _("decision power"),
        max_length=10,
        choices=DecisionPower.choices,
        default=DecisionPower.UNKNOWN,
    )
    needs = BoundedTextField(_("the customer's needs and problems"), blank=True)
    # Rule 2.3.1: the person met, their title and decision power and the needs are required,
    # unless the salesperson says plainly that they met nobody or could not learn them.
    contact_person = models.ForeignKey(
        "customers.ContactPerson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact person met"),
    )
    met_nobody = models.BooleanField(_("met nobody / not known"), default=False)
    met_nobody_reason = BoundedTextField(_("why nobody was met or it is not known"), blank=True)
    notes = BoundedTextField(_("meeting notes"), blank=True)
    outcome = BoundedTextField(_("outcome"), blank=True)
    next_step = BoundedTextField(_("next step"), blank=True)
    next_step_on = models.DateField(_("next step date"), null=True, blank=True)
    suggested_class = models.CharField(
        _("suggested class"), max_length=20, choices=PipelineClass.choices, blank=True
    )
    history = HistoricalRecords()

    objects = VisitLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit log")
        verbose_name_plural = _("visit logs")
        ordering = ["due_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(met_nobody=False) | ~models.Q(met_nobody_reason=""),
                name="visitlog_met_nobody_has_reason",
            )
        ]

    def __str__(self):
        return f"{self.customer} · {self.due_at:%Y-%m-%d}"
