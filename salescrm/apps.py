from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesCRMConfig(AppConfig):
    name = "salescrm"
    verbose_name = _("SalesCRM")

    def ready(self):
        from salescrm import notifications
        from salescrm.jobs import register_job

        # E-mails whose worker died (or whose task was lost) are queued again.
        register_job(
            "notification_email_sweep",
            notifications.email_sweep,
            crontab={"minute": "*/5"},
            sends_mail=True,
        )
