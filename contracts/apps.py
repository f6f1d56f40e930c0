from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = _("Plans and agreements")

    def ready(self):
        from contracts import services
        from customers.signals import owner_changed

        owner_changed.connect(services.follow_customer, dispatch_uid="contracts.follow_customer")
