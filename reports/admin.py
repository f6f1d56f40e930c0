from django.contrib import admin

from reports.models import ChannelCost, RevenueTarget
from salescrm.admin import HistoryAdmin


@admin.register(ChannelCost)
class ChannelCostAdmin(HistoryAdmin):
    list_display = ["month", "channel", "amount", "note"]
    list_filter = ["channel"]
    date_hierarchy = "month"


@admin.register(RevenueTarget)
class RevenueTargetAdmin(HistoryAdmin):
    list_display = ["month", "person", "team", "amount", "set_by", "set_at"]
    list_filter = ["team"]
    date_hierarchy = "month"
    readonly_fields = ["set_by", "set_at"]

    def save_model(self, request, obj, form, change):
        from django.utils import timezone

        obj.set_by = request.user
        obj.set_at = timezone.now()
        super().save_model(request, obj, form, change)
