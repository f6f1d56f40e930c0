"""The two parties of a printed plan or agreement: 甲方 (the customer) and 乙方 (us).

Our company comes from the core's company profile (admin). The customer's invoicing
details (开票信息) belong to `receivables`, a higher layer, which fills this module's hook
from its AppConfig.ready(): `register_billing(provider)`, where provider(customer) returns
the lines to print as (label, value) pairs, already in the active language. Without a
provider, or when it has nothing, the customer's own address stands alone.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import pgettext

from salescrm import selectors as core

BillingProvider = Callable[[object], list[tuple[str, str]]]

_billing: list[BillingProvider] = []


def register_billing(provider: BillingProvider) -> None:
    """Called once per process by the app that keeps the customers' invoicing details."""
    if provider not in _billing:
        _billing.append(provider)


def billing_lines(customer) -> list[tuple[str, str]]:
    for provider in _billing:
        lines = provider(customer)
        if lines:
            return lines
    return []


def _filled(pairs) -> list[tuple[str, str]]:
    return [(label, value) for label, value in pairs if value]


def parties(customer, *, language: str) -> dict:
    """Both parties as printed, labels in the active language (the document's)."""
    company = core.company_profile()
    customer_lines = billing_lines(customer) or _filled(
        [(pgettext("printed document", "Address"), customer.address)]
    )
    ours = _filled(
        [
            (pgettext("printed document", "Address"), company.address_in(language)),
            (pgettext("printed document", "Phone"), company.phone),
            (pgettext("printed document", "Taxpayer ID"), company.tax_number),
            (pgettext("printed document", "Bank"), company.bank),
            (pgettext("printed document", "Bank account"), company.bank_account),
        ]
    )
    return {
        "letterhead": company.letterhead or company.name_in(language),
        "parties": [
            {
                "role": pgettext("printed document", "Party A (the customer)"),
                "name": str(customer.name),
                "lines": customer_lines,
            },
            {
                "role": pgettext("printed document", "Party B (the service provider)"),
                "name": company.name_in(language) or pgettext("printed document", "(not set)"),
                "lines": ours,
            },
        ],
        "signing": {
            "heading": pgettext("printed document", "Signatures and seals"),
            "signature": pgettext("printed document", "Authorised representative (signature)"),
            "seal": pgettext("printed document", "Company seal"),
            "date": pgettext("printed document", "Date"),
        },
    }
