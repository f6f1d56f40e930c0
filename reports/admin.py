from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import ChannelCost, RevenueTarget


@admin.register(ChannelCost)
class ChannelCostAdmin(SimpleHistoryAdmin):
    list_display = ["month", "channel", "amount", "note"]
    list_filter = ["channel"]
    date_hierarchy = "month"


@admin.register(RevenueTarget)
class RevenueTargetAdmin(SimpleHistoryAdmin):
    list_display = ["month", "person", "team", "amount", "set_by", "set_at"]
    list_filter = ["team"]
    date_hierarchy = "month"
    readonly_fields = ["set_by", "set_at"]

    def save_model(self, request, obj, form, change):
        from django.utils import timezone

        obj.set_by = request.user
        obj.set_at = timezone.now()
        super().save_model(request, obj, form, change)
