from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from customers import jobs, recycling, services
        from customers import search as customer_search
        from customers import timeline as customer_timeline
        from customers import worklist as work
        from salescrm import navigation, saved_views, search, timeline, worklist
        from salescrm.jobs import register_job
        from salescrm.permissions import Capability as C
        from salescrm.signals import user_deactivating

        # Someone leaving the company hands their customers back to the pool.
        user_deactivating.connect(
            services.on_user_deactivating, dispatch_uid="customers.return_to_pool"
        )
        register_job("file_completion", jobs.file_completion, crontab={"minute": "5"})
        register_job("first_contact", jobs.first_contact, crontab={"minute": "10"})
        register_job("reassignment", jobs.reassignment, crontab={"minute": "15"})
        # Pool rules: once a day, early, so the worklist shows the day's state.
        register_job("pool_returns", recycling.pool_returns, crontab={"minute": "20", "hour": "1"})

        navigation.register_group("customers", _("Customers"))
        for url_name, label, needs, order in [
            ("customers:list", _("Customers"), C.READ_SALES, 10),
            ("customers:pool", _("Pool"), C.READ_SALES, 11),
            ("customers:board", _("Pipeline board"), C.OVERSEE, 12),
            ("customers:checks", _("Weekly check"), C.MANAGE_TEAM, 13),
            ("customers:claims", _("Claims"), C.MANAGE_TEAM, 14),
            ("customers:reassignment_queue", _("Reassignment queue"), C.MANAGE_TEAM, 15),
        ]:
            navigation.register(url_name, label, needs=[needs], order=order, group="customers")

        worklist.register("customers.files_to_complete", work.files_to_complete, order=10)
        worklist.register("customers.returned_files", work.returned_files, order=11)
        worklist.register("customers.files_to_check", work.files_to_check, order=12)
        worklist.register("customers.claims_to_decide", work.claims_to_decide, order=13)
        worklist.register("customers.missed_first_contacts", work.missed_first_contacts, order=14)
        worklist.register("customers.about_to_return", work.about_to_return, order=15)

        search.register("customers", _("Customers"), customer_search.customers, order=10)
        saved_views.register("customers:list")
        timeline.register("customer", "customers", customer_timeline.events)
