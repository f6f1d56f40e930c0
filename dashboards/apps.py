from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """The top layer: home pages, digests and operator commands; it may import every app."""

    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from dashboards import digests
        from salescrm.jobs import register_job

        register_job("weekly_digests", digests.weekly_digests, sends_mail=True)
        register_job("daily_brief", digests.daily_brief, sends_mail=True)
