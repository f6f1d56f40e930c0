from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesCRMConfig(AppConfig):
    name = "salescrm"
    verbose_name = _("SalesCRM")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from salescrm.middleware import SessionLifetimeMiddleware

        # A session's absolute lifetime counts from the login (sessions, not business).
        user_logged_in.connect(
            SessionLifetimeMiddleware.logged_in, dispatch_uid="salescrm.session_started"
        )
