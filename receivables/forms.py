import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from receivables.models import BillingDetails, InvoiceKind, Method
from salescrm.concurrency import VersionFormMixin


class BillingForm(VersionFormMixin, forms.ModelForm):
    class Meta:
        model = BillingDetails
        fields = ["invoice_title", "taxpayer_id", "address", "phone", "bank", "account"]


class InstalmentForm(forms.Form):
    due_on = forms.DateField(label=_("due on"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label=_("amount"), max_digits=14, decimal_places=2, min_value=0.01)


InstalmentFormSet = forms.formset_factory(InstalmentForm, extra=1, can_delete=True)


class ReceiptForm(forms.Form):
    amount = forms.DecimalField(label=_("amount"), max_digits=14, decimal_places=2, min_value=0.01)
    received_on = forms.DateField(
        label=_("received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    method = forms.ChoiceField(label=_("method"), choices=Method.choices)
    reference = forms.CharField(label=_("reference"), max_length=60, required=False)
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class InvoiceRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("invoice type"), choices=InvoiceKind.choices)
    amount = forms.DecimalField(label=_("amount"), max_digits=14, decimal_places=2, min_value=0.01)


class InvoiceIssueForm(forms.Form):
    number = forms.CharField(label=_("invoice number"), max_length=30)
    issued_on = forms.DateField(
        label=_("issued on"), widget=forms.DateInput(attrs={"type": "date"})
    )
