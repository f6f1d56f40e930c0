from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """The top layer: home pages, digests and operator commands; it may import every app."""

    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from dashboards import digests
        from salescrm.jobs import register_job

        register_job(
            "weekly_digests",
            digests.weekly_digests,
            crontab={"minute": "0", "hour": "8", "day_of_week": "1"},  # Mondays 08:00
            sends_mail=True,
        )
        # Every day: the job itself skips days off and sends on make-up working Saturdays.
        register_job(
            "daily_brief",
            digests.daily_brief,
            crontab={"minute": "30", "hour": "8"},
            sends_mail=True,
        )
