"""django-import-export resources: the columns of customer exports (and, later, imports)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from customers.models import Customer


class CustomerExportResource(resources.ModelResource):
    """One row per customer with the file's fields, in the reader's language."""

    name = fields.Field(attribute="name", column_name=_("Company name"))
    credit_code = fields.Field(attribute="credit_code", column_name=_("Unified social credit code"))
    source = fields.Field(attribute="get_source_display", column_name=_("Source channel"))
    source_detail = fields.Field(attribute="source_detail", column_name=_("Source detail"))
    collected_on = fields.Field(attribute="collected_on", column_name=_("Date collected"))
    phone = fields.Field(attribute="phone", column_name=_("Phone"))
    industry = fields.Field(attribute="industry", column_name=_("Industry"))
    city = fields.Field(attribute="city", column_name=_("City"))
    address = fields.Field(attribute="address", column_name=_("Address"))
    website = fields.Field(attribute="website", column_name=_("Website"))
    pipeline_class = fields.Field(attribute="get_pipeline_class_display", column_name=_("Class"))
    owner = fields.Field(attribute="owner", column_name=_("Owner"))
    entered_at = fields.Field(attribute="entered_at", column_name=_("Entered at"))
    completed = fields.Field(column_name=_("File complete"))

    class Meta:
        model = Customer
        fields = (
            "name", "credit_code", "source", "source_detail", "collected_on", "phone",
            "industry", "city", "address", "website", "pipeline_class", "owner", "entered_at",
            "completed",
        )  # fmt: skip

    def dehydrate_owner(self, customer):
        return str(customer.owner) if customer.owner_id else ""

    def dehydrate_entered_at(self, customer):
        return timezone.localtime(customer.entered_at).strftime("%Y-%m-%d %H:%M")

    def dehydrate_completed(self, customer):
        return str(_("yes") if customer.completed_at else _("no"))
