from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits")

    def ready(self):
        from salescrm import navigation, panels, saved_views, timeline, worklist
        from salescrm.jobs import register_job
        from salescrm.permissions import Capability as C
        from visits import jobs, views
        from visits import timeline as visit_timeline
        from visits import worklist as work

        register_job("visit_log", jobs.visit_log, crontab={"minute": "20"})
        register_job("visit_return", jobs.visit_return, crontab={"minute": "*/10"})

        navigation.register("visits:list", _("Visits"), needs=[C.READ_SALES], order=30)
        navigation.register("visits:desk", _("Today's visits"), needs=[C.RUN_DESK], order=50)
        panels.register(
            "customer_detail",
            name="visits",
            template="visits/_customer_panel.html",
            context=views.customer_panel,
            order=10,
        )

        worklist.register("visits.first_contacts_due", work.first_contacts_due, order=20)
        worklist.register("visits.logs_to_write", work.logs_to_write, order=21)
        worklist.register("visits.my_slips", work.my_slips, order=22)
        worklist.register("visits.slips_to_approve", work.slips_to_approve, order=23)
        worklist.register("visits.late_returns", work.late_returns, order=24)
        worklist.register("visits.desk", work.desk, order=25)
        timeline.register("customer", "visits", visit_timeline.events)
        saved_views.register("visits:list")
