from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import PipelineClass
from salescrm.concurrency import VersionFormMixin
from salescrm.fields import TEXT_MAX
from salescrm.idempotency import SubmissionTokenMixin
from visits.models import ContactRecord, VisitLog, VisitSlip

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ContactRecordForm(SubmissionTokenMixin, forms.ModelForm):
    class Meta:
        model = ContactRecord
        fields = [
            "channel", "brochure_sent", "proposal_sent", "receipt_confirmed", "meeting_at",
            "summary",
        ]  # fmt: skip
        widgets = {"meeting_at": DATETIME, "summary": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"meeting_at": _("If a meeting was booked: you can plan the visit next.")}


class SlipForm(VersionFormMixin, forms.ModelForm):
    class Meta:
        model = VisitSlip
        fields = [
            "plan", "planned_departure", "expected_return", "recent_status", "purpose",
            "objectives", "likely_issues",
        ]  # fmt: skip
        widgets = {
            "planned_departure": DATETIME,
            "expected_return": DATETIME,
            "plan": forms.Textarea(attrs={"rows": 3}),
            "recent_status": forms.Textarea(attrs={"rows": 2}),
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "objectives": forms.Textarea(attrs={"rows": 2}),
            "likely_issues": forms.Textarea(attrs={"rows": 2}),
        }


class NewSlipForm(SubmissionTokenMixin, SlipForm):
    """A new slip: the form is sent once (salescrm.idempotency)."""


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=TEXT_MAX, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2})
    )


class LateNoticeForm(forms.Form):
    new_return = forms.DateTimeField(label=_("New return time"), widget=DATETIME)
    text = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Message to your manager"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ContactPersonSelect(forms.Select):
    """The customer's contact people, each option carrying what it fills in (static/js)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        person = getattr(value, "instance", None)
        if person is not None:
            option["attrs"].update(
                {
                    "data-name": person.name,
                    "data-title": person.title,
                    "data-phone": person.phone,
                    "data-power": person.decision_power,
                }
            )
        return option


class VisitLogForm(VersionFormMixin, forms.ModelForm):
    suggested_class = forms.ChoiceField(
        label=_("Suggested class"),
        required=False,
        choices=[("", "—")]
        + [(c.value, c.label) for c in PipelineClass if c != PipelineClass.SIGNED],
    )

    class Meta:
        model = VisitLog
        fields = [
            "contact_person", "person_met", "person_title", "person_phone", "decision_power",
            "needs", "met_nobody", "met_nobody_reason", "notes", "outcome", "next_step",
            "next_step_on", "suggested_class",
        ]  # fmt: skip
        widgets = {
            "contact_person": ContactPersonSelect(attrs={"data-fills-person": ""}),
            "person_phone": forms.TextInput(
                attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}
            ),
            "needs": forms.Textarea(attrs={"rows": 3}),
            "met_nobody_reason": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
            "next_step": forms.Textarea(attrs={"rows": 2}),
            "next_step_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "contact_person": _("Someone already on the file: picking them fills in the fields."),
            "met_nobody": _(
                "Only if you met nobody, or could not learn who decides or what they need: "
                "your manager sees it."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        customer = self.instance.customer
        self.fields["contact_person"].queryset = customer.contact_people.order_by("name", "pk")
        self.fields["contact_person"].empty_label = _("— someone new —")
