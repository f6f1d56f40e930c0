from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceivablesConfig(AppConfig):
    """Money after the signature (回款): billing details, collection plans, receipts.

    Named `receivables`, not `collections`, which would shadow the standard library.
    """

    name = "receivables"
    label = "receivables"
    verbose_name = _("Receivables")

    def ready(self):
        from contracts import parties
        from contracts.signals import agreement_signed
        from customers.recycling import register_exemption
        from receivables import jobs, selectors, services, views
        from receivables import worklist as work
        from salescrm import navigation, panels, worklist
        from salescrm.jobs import register_job
        from salescrm.permissions import Capability as C

        # A signed agreement gets its collection plan proposed from its payment terms.
        agreement_signed.connect(services.on_agreement_signed, dispatch_uid="receivables.propose")
        # Printed plans and agreements show the customer's invoicing details (甲方).
        parties.register_billing(selectors.billing_lines)
        register_job("instalments", jobs.instalments, crontab={"minute": "25"})
        # A customer with money outstanding never falls back to the pool (issue 17).
        register_exemption("receivables.outstanding", selectors.money_outstanding)
        navigation.register("receivables:list", _("Receivables"), needs=[C.COLLECT], order=45)
        panels.register(
            "agreement_detail",
            name="receivables",
            template="receivables/_agreement_panel.html",
            context=views.agreement_panel,
            order=10,
        )
        panels.register(
            "customer_detail",
            name="billing",
            template="receivables/_billing_panel.html",
            context=views.billing_panel,
            order=30,
        )
        worklist.register("receivables.overdue_instalments", work.overdue_instalments, order=40)
        worklist.register("receivables.plans_to_confirm", work.plans_to_confirm, order=41)
        worklist.register("receivables.receipts_to_confirm", work.receipts_to_confirm, order=42)
