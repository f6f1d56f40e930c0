from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from salescrm import people, services
from salescrm.models import (
    AuthEvent,
    CalendarDay,
    CompanyProfile,
    DigestSent,
    JobRun,
    Policy,
    Team,
    User,
)

admin.site.site_header = _("SalesCRM administration")
admin.site.site_title = _("SalesCRM")


class HistoryAdmin(SimpleHistoryAdmin):
    """The record's history, to read. Every admin with history uses this one.

    simple-history's revert (a POST to .../history/<id>/) writes an old version back with
    the model form: past the services, their checks, locks and audit rows, even on a model
    whose admin is read-only. So there is no revert: the old versions are shown, never
    saved (SIMPLE_HISTORY_REVERT_DISABLED hides the button; this refuses the POST).
    """

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(User)
class UserAdmin(HistoryAdmin, DjangoUserAdmin):
    list_display = [
        "username",
        "display_name",
        "role",
        "team",
        "ability_weight",
        "discount_authority",
        "is_active",
    ]
    list_filter = ["role", "team", "is_active"]
    list_select_related = ["team"]
    search_fields = ["username", "display_name", "sort_name", "email"]
    ordering = ["sort_name", "username"]
    # One name field (with its sort key) instead of Django's first and last name.
    fieldsets = (
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["display_name", "sort_name", "email"]}),
        *DjangoUserAdmin.fieldsets[2:],
        (
            _("Sales"),
            {"fields": ["role", "team", "ability_weight", "discount_authority", "language"]},
        ),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Personal info"), {"fields": ["display_name", "sort_name", "email"]}),
        (_("Sales"), {"fields": ["role", "team", "ability_weight", "discount_authority"]}),
    )
    actions = ["deactivate"]

    def has_delete_permission(self, request, obj=None):
        # People are deactivated, never deleted: their history (append-only) names them.
        return False

    def save_model(self, request, obj, form, change):
        # Deactivating someone hands their work on (customers back to the pool): the service.
        deactivating = change and "is_active" in form.changed_data and not obj.is_active
        if deactivating:
            obj.is_active = True
        super().save_model(request, obj, form, change)
        if deactivating:
            self._report(request, services.user_deactivate(user=obj, actor=request.user))

    @admin.action(description=_("Deactivate (customers go back to the pool)"))
    def deactivate(self, request, queryset):
        for user in queryset.filter(is_active=True):
            self._report(request, services.user_deactivate(user=user, actor=request.user))

    def _report(self, request, replies: list[str]) -> None:
        for reply in replies:
            self.message_user(request, reply)


@admin.register(Team)
class TeamAdmin(HistoryAdmin):
    """A team's manager is its one active member with the manager role: set on the user."""

    list_display = ["name", "manager"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return people.with_manager_name(super().get_queryset(request))

    @admin.display(description=_("manager"))
    def manager(self, obj):
        return obj.manager_name or "—"


@admin.register(CalendarDay)
class CalendarDayAdmin(HistoryAdmin):
    list_display = ["date", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["name", "started_at", "finished_at", "counts", "has_error"]
    list_filter = ["name"]
    date_hierarchy = "started_at"
    readonly_fields = ["name", "started_at", "finished_at", "counts", "error"]

    @admin.display(boolean=True, description=_("error"))
    def has_error(self, obj):
        return bool(obj.error)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Policy)
class PolicyAdmin(HistoryAdmin):
    """The one policy row: targets and deadlines (created with defaults on first use)."""

    def has_add_permission(self, request):
        return not Policy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CompanyProfile)
class CompanyProfileAdmin(HistoryAdmin):
    """Our company on printed documents (乙方): letterhead, legal name, address, tax, bank."""

    fieldsets = (
        (None, {"fields": ["letterhead", "legal_name", "legal_name_en"]}),
        (_("Address"), {"fields": ["address", "address_en", "phone"]}),
        (_("Tax and bank"), {"fields": ["tax_number", "bank", "bank_account"]}),
    )

    def has_add_permission(self, request):
        return not CompanyProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DigestSent)
class DigestSentAdmin(admin.ModelAdmin):
    """Which digests went to whom: read-only (the digest jobs write it)."""

    list_display = ["recipient", "kind", "period_start", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    date_hierarchy = "period_start"
    readonly_fields = ["recipient", "kind", "period_start", "sent_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuthEvent)
class AuthEventAdmin(admin.ModelAdmin):
    """The authentication log: read-only here, and the database refuses changes."""

    list_display = ["at", "kind", "outcome", "user", "username", "ip_address", "user_agent"]
    list_filter = ["kind", "outcome"]
    search_fields = ["username", "ip_address", "user__username"]
    date_hierarchy = "at"
    list_select_related = ["user"]
    readonly_fields = [
        "at",
        "kind",
        "outcome",
        "user",
        "username",
        "ip_address",
        "user_agent",
        "detail",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
