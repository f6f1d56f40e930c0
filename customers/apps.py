from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from customers import jobs, services
        from salescrm import navigation
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

        navigation.register("customers:list", _("Customers"), needs=[C.READ_SALES], order=10)
        navigation.register("customers:pool", _("Pool"), needs=[C.READ_SALES], order=20)
        navigation.register("customers:checks", _("Weekly check"), needs=[C.MANAGE_TEAM], order=60)
        navigation.register("customers:claims", _("Claims"), needs=[C.MANAGE_TEAM], order=61)
        navigation.register(
            "customers:reassignment_queue", _("Reassignment queue"), needs=[C.MANAGE_TEAM], order=62
        )
        navigation.register("customers:board", _("Pipeline board"), needs=[C.OVERSEE], order=63)
