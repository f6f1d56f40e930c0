from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesCRMConfig(AppConfig):
    name = "salescrm"
    verbose_name = _("SalesCRM")

    def ready(self) -> None:
        from salescrm.accounts import events

        events.connect()
