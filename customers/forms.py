from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.imports import MAX_UPLOAD_BYTES
from customers.models import ContactPerson, Customer, CustomerNote, PipelineClass, SourceChannel
from salescrm.concurrency import VersionFormMixin
from salescrm.fields import TEXT_MAX
from salescrm.idempotency import SubmissionTokenMixin
from salescrm.models import User
from salescrm.permissions import Capability, can


class QuickCaptureForm(SubmissionTokenMixin, forms.ModelForm):
    """The few fields to capture a lead on a phone at a trade show."""

    class Meta:
        model = Customer
        fields = ["name", "source", "source_detail", "collected_on", "phone"]
        widgets = {
            "collected_on": forms.DateInput(attrs={"type": "date"}),
            "phone": forms.TextInput(
                attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}
            ),
            "name": forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collected_on"].initial = timezone.localdate()
        self.fields["source_detail"].help_text = _("Which show, paper, partner…")


class CustomerFileForm(VersionFormMixin, forms.ModelForm):
    """The complete Customer Information File."""

    class Meta:
        model = Customer
        fields = [
            "name", "credit_code", "source", "source_detail", "collected_on", "industry",
            "city", "address", "phone", "website", "needs", "notes", "language",
        ]  # fmt: skip
        widgets = {
            "collected_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "needs": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(
                attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}
            ),
            "website": forms.TextInput(attrs={"inputmode": "url"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out (an older form, an import): keep the customer's language as it is.
        self.fields["language"].required = False

    def clean_language(self):
        return self.cleaned_data.get("language") or self.instance.language


class ContactPersonForm(VersionFormMixin, SubmissionTokenMixin, forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = ["name", "title", "phone", "email", "decision_power"]
        widgets = {
            "phone": forms.TextInput(
                attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}
            ),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def clean(self):
        data = super().clean()
        if not (data.get("phone") or data.get("email")):
            raise forms.ValidationError(_("Give a phone number or an e-mail address."))
        return data


class ClassChangeForm(forms.Form):
    to_class = forms.ChoiceField(
        label=_("New class"),
        choices=[(c.value, c.label) for c in PipelineClass if c != PipelineClass.SIGNED],
    )
    reason = forms.CharField(
        max_length=TEXT_MAX, label=_("Why"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ClaimForm(SubmissionTokenMixin, forms.Form):
    reason = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Why should this customer be yours?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: you met them first, or you have worked with them before."),
    )


class ClaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("keep", _("Keep the current owner")),
            ("transfer", _("Transfer to the claimant")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CheckForm(forms.Form):
    customers = forms.ModelMultipleChoiceField(queryset=Customer.objects.none())
    comment = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customers"].queryset = (
            queryset if queryset is not None else Customer.objects.none()
        )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        max_length=TEXT_MAX,
        label=_("What needs correcting"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(SubmissionTokenMixin, forms.Form):
    kind = forms.ChoiceField(choices=CustomerNote.Kind.choices, widget=forms.HiddenInput)
    body = forms.CharField(
        max_length=TEXT_MAX, label=_("Text"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(forms.Form):
    """Assign pool customers: to one person, or balanced across the team."""

    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Balanced across the team (proposed)"),
    )

    def __init__(self, *args, team_members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            team_members if team_members is not None else User.objects.none()
        )


class ReassignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("New owner"), queryset=User.objects.none())

    def __init__(self, *args, team_members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            team_members if team_members is not None else User.objects.none()
        )


class ExtensionForm(forms.Form):
    """One more week for a missed first contact, with the manager's reason."""

    reason = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Reason for the extension"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ImportForm(SubmissionTokenMixin, forms.Form):
    """Upload a lead list; managers may send it to the unowned pool."""

    file = forms.FileField(
        label=_("Lead list"),
        help_text=_("CSV (UTF-8 or GBK) or Excel .xlsx (the first sheet), at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    to_pool = forms.BooleanField(
        label=_("Put them in the unowned pool (to assign later)"), required=False
    )
    team_pool = forms.BooleanField(
        label=_("Only in my team's pool"),
        required=False,
        help_text=_("Other teams' managers do not see them. Unticked: the company's pool."),
    )
    default_source = forms.ChoiceField(
        label=_("Source channel of rows without one"),
        choices=[("", _("None: every row must give it")), *SourceChannel.choices],
        required=False,
        help_text=_("For the pool, rows without one are a company marketing event."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not can(user, Capability.MANAGE_TEAM):
            del self.fields["to_pool"]
            del self.fields["team_pool"]
            self.fields["default_source"].help_text = ""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is larger than 5 MB. Split it into smaller files, or ask an "
                    "administrator to import it with the import_customers command."
                )
            )
        return upload


class PoolLockForm(forms.Form):
    """The manager keeps a key customer out of the pool until a day, with a reason."""

    until = forms.DateField(
        label=_("Kept out of the pool until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Reason for the lock"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
