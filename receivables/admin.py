"""Collections are only looked up here (every change goes through receivables.services)."""

from django.contrib import admin

from customers.admin import ReadOnlyAdmin
from receivables.models import BillingDetails, CollectionPlan, Invoice, Receipt
from salescrm.admin import HistoryAdmin


@admin.register(BillingDetails)
class BillingDetailsAdmin(ReadOnlyAdmin, HistoryAdmin):
    list_display = ["customer", "invoice_title", "taxpayer_id", "updated_at"]
    list_select_related = ["customer"]
    search_fields = ["invoice_title", "taxpayer_id", "customer__name"]


@admin.register(CollectionPlan)
class CollectionPlanAdmin(ReadOnlyAdmin, HistoryAdmin):
    list_display = ["agreement", "state", "total", "created_at", "confirmed_at"]
    list_filter = ["state"]
    list_select_related = ["agreement"]


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin, HistoryAdmin):
    list_display = ["agreement", "amount", "received_on", "method", "reference", "state"]
    list_filter = ["state", "method"]
    list_select_related = ["agreement"]
    search_fields = ["reference", "agreement__number"]


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin, HistoryAdmin):
    list_display = ["agreement", "kind", "amount", "state", "number", "issued_on"]
    list_filter = ["state", "kind"]
    list_select_related = ["agreement"]
    search_fields = ["number", "agreement__number"]
