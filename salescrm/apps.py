from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesCRMConfig(AppConfig):
    name = "salescrm"
    verbose_name = _("SalesCRM")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from salescrm import idempotency, notifications
        from salescrm.accounts import events
        from salescrm.jobs import register_job
        from salescrm.middleware import SessionLifetimeMiddleware

        # The authentication log (salescrm.accounts.events).
        events.connect()

        # E-mails whose worker died (or whose task was lost) are queued again.
        register_job(
            "notification_email_sweep",
            notifications.email_sweep,
            crontab={"minute": "*/5"},
            sends_mail=True,
        )
        # Batched notification e-mails (and the daily summary) whose moment has come.
        register_job(
            "notification_email_due",
            notifications.email_due,
            crontab={"minute": "*"},
            sends_mail=True,
        )
        register_job(
            "form_submission_purge", idempotency.purge, crontab={"minute": "40", "hour": "3"}
        )

        # A session's absolute lifetime counts from the login (sessions, not business).
        user_logged_in.connect(
            SessionLifetimeMiddleware.logged_in, dispatch_uid="salescrm.session_started"
        )
