"""The price list and delegations are managed here; plans, agreements and signatures are
only looked up (every change goes through contracts.services)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contracts import services
from contracts.models import Agreement, ChangeRequest, Delegation, Plan, Product, Signature
from customers.admin import ReadOnlyAdmin
from salescrm.admin import HistoryAdmin
from salescrm.errors import DomainError


@admin.register(Product)
class ProductAdmin(HistoryAdmin):
    list_display = ["code", "name", "medium", "unit", "list_price", "active"]
    list_filter = ["medium", "unit", "active"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request, obj=None):
        # A product on an agreement stays (PROTECT); take it off the list with "active".
        return False


class DelegationForm(forms.ModelForm):
    """The service's checks, as form errors."""

    class Meta:
        model = Delegation
        fields = ["delegator", "delegate", "valid_from", "valid_until", "reason"]

    def clean(self):
        data = super().clean()
        if all(data.get(f) for f in ("delegator", "delegate", "valid_from", "valid_until")):
            try:
                services.check_delegation(
                    delegator=data["delegator"],
                    delegate=data["delegate"],
                    valid_from=data["valid_from"],
                    valid_until=data["valid_until"],
                    actor=self.actor,
                )
            except DomainError as error:
                raise forms.ValidationError(str(error)) from None
        return data


@admin.register(Delegation)
class DelegationAdmin(HistoryAdmin):
    """Delegations are recorded through the service (its checks apply); then only revoked."""

    form = DelegationForm
    list_display = [
        "delegate", "delegator", "valid_from", "valid_until", "revoked_at", "created_by",
    ]  # fmt: skip
    list_filter = ["revoked_at"]
    list_select_related = ["delegate", "delegator", "created_by"]
    fields = ["delegator", "delegate", "valid_from", "valid_until", "reason"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        created = services.delegation_create(
            delegator=obj.delegator,
            delegate=obj.delegate,
            valid_from=obj.valid_from,
            valid_until=obj.valid_until,
            reason=obj.reason,
            actor=request.user,
        )
        obj.pk = created.pk

    @admin.action(description=_("Revoke"))
    def revoke(self, request, queryset):
        count = 0
        for delegation in queryset.filter(revoked_at__isnull=True):
            try:
                services.delegation_revoke(delegation=delegation, actor=request.user)
            except DomainError as error:
                self.message_user(request, str(error), messages.ERROR)
                return
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d delegation revoked.", "%(count)d delegations revoked.", count)
            % {"count": count},
        )


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin, HistoryAdmin):
    list_display = ["title", "customer", "salesperson", "state", "version", "created_at"]
    list_filter = ["state"]
    list_select_related = ["customer", "salesperson"]
    search_fields = ["title", "customer__name"]


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin, HistoryAdmin):
    list_display = ["number", "customer", "salesperson", "state", "total", "signed_on"]
    list_filter = ["state"]
    list_select_related = ["customer", "salesperson"]
    search_fields = ["number", "title", "customer__name"]


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ["signed_at", "step", "decision", "signer", "on_behalf_of", "plan", "agreement"]
    list_filter = ["step", "decision"]
    list_select_related = ["signer", "on_behalf_of", "plan__customer", "agreement"]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdmin):
    list_display = ["agreement", "number", "kind", "free", "fee", "requested_at"]
    list_select_related = ["agreement"]
