from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reports and dashboards with charts: figures by person and period, rule compliance,
    channel return, signed-value and collection targets, collections (回款). Above contracts,
    below the home pages."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from reports import jobs
        from salescrm import navigation
        from salescrm.jobs import register_job
        from salescrm.permissions import Capability as C

        everyone = [C.SELL, C.OVERSEE, C.ADMINISTER]
        navigation.register_group("reports", _("Reports"))
        for url_name, label, needs, order in [
            ("reports:dashboard", _("Dashboard"), everyone, 80),
            ("reports:people", _("Reports by person"), everyone, 81),
            ("reports:compliance", _("Rule compliance"), everyone, 82),
            ("reports:channels", _("Channel return"), [C.SEE_COMPANY, C.ADMINISTER], 83),
            ("reports:targets", _("Targets"), [C.MANAGE_TEAM, C.SEE_COMPANY], 84),
            (
                "reports:collections",
                _("Collections report"),
                [C.SELL, C.MANAGE_TEAM, C.SEE_COMPANY, C.COLLECT],
                85,
            ),
        ]:
            navigation.register(url_name, label, needs=needs, order=order, group="reports")
        # Every night at 01:25: the figures of the days before (reports.jobs).
        register_job(
            "daily_figures",
            jobs.daily_figures,
            crontab={"minute": "25", "hour": "1", "day_of_week": "*"},
        )
