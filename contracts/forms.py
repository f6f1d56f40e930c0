import uuid

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contracts.models import Agreement, ChangeRequest, Plan, Product
from salescrm import people
from salescrm.concurrency import VersionFormMixin
from salescrm.fields import TEXT_MAX
from salescrm.idempotency import SubmissionTokenMixin
from salescrm.models import LANGUAGES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DocumentLanguageMixin:
    """The document language on a draft: empty prints in the customer's language (named)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("language")
        customer = getattr(self.instance, "customer", None) if self.instance.pk else None
        if field is not None:
            follow = (
                _("The customer's language (%(language)s)")
                % {"language": customer.get_language_display()}
                if customer is not None
                else _("The customer's language")
            )
            field.choices = [("", follow), *LANGUAGES]


class PlanForm(VersionFormMixin, DocumentLanguageMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "title", "objectives", "audience", "media_mix", "schedule", "budget", "period_start",
            "period_end", "language",
        ]  # fmt: skip
        widgets = {
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "audience": forms.Textarea(attrs={"rows": 2}),
            "media_mix": forms.Textarea(attrs={"rows": 4}),
            "schedule": forms.Textarea(attrs={"rows": 2}),
            "period_start": DATE,
            "period_end": DATE,
        }

    def clean(self):
        # Said here, on the field, rather than as the table constraint's generic message.
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The campaign must end on or after its first day."))
        return data


class NewPlanForm(SubmissionTokenMixin, PlanForm):
    """A new plan: the form is sent once (salescrm.idempotency)."""


class AgreementForm(VersionFormMixin, DocumentLanguageMixin, forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "title", "period_start", "period_end", "free_changes", "fee_per_change",
            "payment_terms", "notes", "language",
        ]  # fmt: skip
        widgets = {
            "period_start": DATE,
            "period_end": DATE,
            "payment_terms": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The agreement must end on or after its first day."))
        return data


class ProductField(forms.CharField):
    """A product of the price list, typed or picked by its code (or its exact name) from
    the page's searchable list of products (a datalist, id "price-list"); the formset
    gives every line the same products (one query)."""

    default_error_messages = {"invalid_choice": _("That product is no longer on the price list.")}
    widget = forms.TextInput(attrs={"list": "price-list", "autocomplete": "off"})

    def set_products(self, products) -> None:
        self.by_code = {p.code.casefold(): p for p in products}
        self.by_name = {p.name.casefold(): p for p in products}
        self.by_pk = {str(p.pk): p for p in products}

    def prepare_value(self, value):
        return value.code if isinstance(value, Product) else value

    def clean(self, value):
        text = super().clean(value)
        key = text.casefold()
        product = self.by_code.get(key) or self.by_name.get(key) or self.by_pk.get(text)
        if product is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return product

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != str(data or "")


class LineForm(forms.Form):
    product = ProductField(label=_("Product"))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    period_start = forms.DateField(label=_("From"), widget=DATE)
    period_end = forms.DateField(label=_("To"), widget=DATE)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1_000_000)
    agreed_price = forms.DecimalField(
        label=_("Agreed unit price"), min_value=0, max_digits=14, decimal_places=2
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            raise forms.ValidationError(_("The period must end on or after its first day."))
        return data


class BaseLineFormSet(forms.BaseFormSet):
    @cached_property
    def products(self) -> list[Product]:
        return list(Product.objects.filter(active=True).order_by("medium", "code"))

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["product"].set_products(self.products)

    def is_removed(self, form) -> bool:
        """A line ticked for removal (it goes when the agreement is saved)."""
        return self._should_delete_form(form)

    def is_kept(self, index: int, form) -> bool:
        """A line to save: one already there (changed or not), or one filled in; not removed."""
        return (index < self.initial_form_count() or form.has_changed()) and not self.is_removed(
            form
        )

    def _kept(self) -> list:
        return [form for index, form in enumerate(self.forms) if self.is_kept(index, form)]

    def clean(self):
        if any(self.errors):
            return
        if not self._kept():
            raise forms.ValidationError(_("Add at least one line."))

    def lines(self) -> list[dict]:
        return [form.cleaned_data for form in self._kept() if form.cleaned_data]


LineFormSet = forms.formset_factory(
    LineForm, formset=BaseLineFormSet, extra=1, can_delete=True, max_num=50, validate_max=True
)


class CommentForm(forms.Form):
    comment = forms.CharField(
        max_length=TEXT_MAX,
        label=pgettext_lazy("signature", "Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FeedbackForm(forms.Form):
    feedback = forms.CharField(
        max_length=TEXT_MAX,
        label=_("The customer's feedback"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SignedOnForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed by the customer on"), widget=DATE)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ChangeRequestForm(forms.ModelForm):
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    class Meta:
        model = ChangeRequest
        fields = ["kind", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class DelegationForm(SubmissionTokenMixin, forms.Form):
    delegate = forms.ModelChoiceField(
        label=_("Who signs for you"),
        queryset=people.signers().order_by(*people.BY_NAME),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_until = forms.DateField(label=_("Until (inclusive)"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegate"].queryset = self.fields["delegate"].queryset.exclude(pk=user.pk)
