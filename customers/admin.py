"""Customers in the admin are for looking up; every change goes through the app's services."""

from django.contrib import admin

from customers.models import Customer, CustomerImport, OwnershipClaim, RecycleRule
from salescrm.admin import HistoryAdmin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin, HistoryAdmin):
    list_display = ["name", "owner", "pipeline_class", "source", "entered_at", "completed_at"]
    list_filter = ["pipeline_class", "source", "check_state"]
    list_select_related = ["owner"]
    search_fields = ["name", "credit_code", "keys__value"]
    date_hierarchy = "entered_at"


@admin.register(OwnershipClaim)
class OwnershipClaimAdmin(ReadOnlyAdmin):
    list_display = ["customer", "claimant", "state", "created_at", "decided_by"]
    list_filter = ["state"]
    list_select_related = ["customer", "claimant", "decided_by"]


@admin.register(CustomerImport)
class CustomerImportAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "uploaded_by", "created_at", "status", "to_pool"]
    list_filter = ["status", "to_pool"]
    list_select_related = ["uploaded_by"]
    exclude = ["content"]


@admin.register(RecycleRule)
class RecycleRuleAdmin(HistoryAdmin):
    """The company's pool policy (customers.recycling): the administrator sets it here."""

    list_display = [
        "pipeline_class",
        "working_days",
        "warning_working_days",
        "extension_working_days",
        "active",
    ]
