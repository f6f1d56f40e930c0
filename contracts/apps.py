from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = _("Plans and agreements")

    def ready(self):
        from contracts import search as document_search
        from contracts import selectors as document_selectors
        from contracts import services, views
        from contracts import timeline as document_timeline
        from contracts import worklist as work
        from customers.recycling import register_exemption
        from customers.signals import owner_changed, owners_changed
        from salescrm import navigation, panels, saved_views, search, timeline, worklist
        from salescrm.permissions import Capability as C

        # An open plan or agreement, or one still running, keeps the customer out of the pool.
        register_exemption("contracts.open", document_selectors.keeps_customer_owned)
        # A customer's open plans and agreements follow it to its new owner.
        owner_changed.connect(services.follow_customer, dispatch_uid="contracts.follow_customer")
        owners_changed.connect(services.follow_customers, dispatch_uid="contracts.follow_customers")
        navigation.register(
            "contracts:list", _("Plans & agreements"), needs=[C.READ_SALES], order=40
        )
        panels.register(
            "customer_detail",
            name="contracts",
            template="contracts/_customer_panel.html",
            context=views.customer_panel,
            order=20,
        )
        worklist.register("contracts.my_documents", work.my_documents, order=30)
        worklist.register("contracts.documents_to_sign", work.documents_to_sign, order=31)
        search.register("contracts", _("Plans and agreements"), document_search.documents, order=20)
        timeline.register("customer", "contracts", document_timeline.events)
        saved_views.register("contracts:plans")
        saved_views.register("contracts:agreements")
