"""What the reports need that no other app records: what each source channel cost in a
month, and the monthly targets (signed value and collections, 回款). Both keep their history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.models import SourceChannel

MONEY = {"max_digits": 14, "decimal_places": 2}


class ChannelCost(models.Model):
    """What a source channel cost in a month (trade-show fees, subscriptions, events)."""

    channel = models.CharField(_("source channel"), max_length=30, choices=SourceChannel.choices)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    amount = models.DecimalField(_("cost (CNY)"), **MONEY)
    note = models.CharField(_("what it paid for"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("channel cost")
        verbose_name_plural = _("channel costs")
        ordering = ["-month", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "month"], name="one_cost_per_channel_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="channel_cost_first_of_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="channel_cost_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.month:%Y-%m}"


class RevenueTarget(models.Model):
    """A month's targets for one salesperson or one team: the signed value (`amount`) and
    the money collected (`collection_amount`, 回款); either may be unset."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    team = models.ForeignKey(
        "salescrm.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    amount = models.DecimalField(_("target (CNY)"), null=True, blank=True, **MONEY)
    collection_amount = models.DecimalField(
        _("collection target (CNY)"), null=True, blank=True, **MONEY
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("set at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("revenue target")
        verbose_name_plural = _("revenue targets")
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=True, team__isnull=False)
                | Q(person__isnull=False, team__isnull=True),
                name="target_for_person_or_team",
            ),
            models.UniqueConstraint(
                fields=["person", "month"],
                condition=Q(person__isnull=False),
                name="one_target_per_person_month",
            ),
            models.UniqueConstraint(
                fields=["team", "month"],
                condition=Q(team__isnull=False),
                name="one_target_per_team_month",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="target_first_of_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="target_not_negative"),
            models.CheckConstraint(
                condition=Q(collection_amount__gte=0), name="collection_target_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["month"])]

    def __str__(self):
        return f"{self.person or self.team} · {self.month:%Y-%m}"


class DailyFigures(models.Model):
    """A salesperson's report figures for one local day, kept by the `daily_figures` job
    (reports.jobs) so a long period adds up days instead of scanning the live tables.
    Recomputed for the recent days on every run (idempotent); `refreshed_through` on the
    job's state row says up to which day they hold."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    new_files = models.PositiveIntegerField(default=0)
    completed_on_time = models.PositiveIntegerField(default=0)
    first_contacts_on_time = models.PositiveIntegerField(default=0)
    contacts = models.PositiveIntegerField(default=0)
    visits = models.PositiveIntegerField(default=0)
    logs_on_time = models.PositiveIntegerField(default=0)
    plans_submitted = models.PositiveIntegerField(default=0)
    plans_accepted = models.PositiveIntegerField(default=0)
    plans_declined = models.PositiveIntegerField(default=0)
    signed = models.PositiveIntegerField(default=0)
    signed_value = models.DecimalField(default=0, **MONEY)
    days_to_sign = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "day"], name="one_figures_row_per_day"),
        ]
        indexes = [models.Index(fields=["day", "person"])]

    def __str__(self):
        return f"{self.person_id} · {self.day}"


class DailyFiguresState(models.Model):
    """One row: the last day DailyFigures hold (every day up to it, included)."""

    refreshed_through = models.DateField(null=True)
    refreshed_at = models.DateTimeField(null=True)
    # The database clock when PipelineCount was counted (history after it is applied live).
    pipeline_counted_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="daily_figures_state_single")]

    def __str__(self):
        return f"{self.refreshed_through}"


class ChannelDay(models.Model):
    """The files one salesperson entered on one local day from one source channel, and how
    far they had gone (contacted, visited, plan accepted, signed, signed value) when the
    `daily_figures` job last ran. The job rebuilds every stored day on each run (one
    grouped query), so the channel report adds up these rows for the days before its run
    and counts only the later entries live."""

    day = models.DateField()
    source = models.CharField(max_length=30, choices=SourceChannel.choices)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    files = models.PositiveIntegerField(default=0)
    contacted = models.PositiveIntegerField(default=0)
    visited = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    signed = models.PositiveIntegerField(default=0)
    value = models.DecimalField(default=0, **MONEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "source", "person"], name="one_channel_row_per_day"
            ),
        ]

    def __str__(self):
        return f"{self.day} · {self.source} · {self.person_id}"


class PipelineCount(models.Model):
    """How many customers each salesperson owned in each pipeline class when the
    `daily_figures` job counted (DailyFiguresState.pipeline_counted_at). The dashboards
    add the customers whose history changed since, so they read a few hundred rows plus
    the day's changes instead of counting every customer."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    pipeline_class = models.CharField(max_length=20)
    customers = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "pipeline_class"], name="one_pipeline_count_per_class"
            ),
        ]

    def __str__(self):
        return f"{self.person_id} · {self.pipeline_class}"


class ComplianceDay(models.Model):
    """For one rule, one person and one local day: how many deadlines fell on that day and
    how many were met. Rebuilt whole by each `daily_figures` run for the days before it (a
    deadline passed is final, but the person responsible can change with a reassignment),
    so the compliance view adds up these rows and counts only the later deadlines live."""

    rule = models.CharField(max_length=20)
    day = models.DateField()
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "rule", "person"], name="one_compliance_row_per_day"
            ),
        ]

    def __str__(self):
        return f"{self.rule} · {self.day} · {self.person_id}"
