from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reports and dashboards with charts: figures by person and period, rule compliance,
    channel return, revenue targets. Above contracts, below the home pages."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from salescrm import navigation
        from salescrm.permissions import Capability as C

        navigation.register(
            "reports:people",
            _("Reports"),
            needs=[C.SELL, C.OVERSEE, C.ADMINISTER],
            order=80,
        )
