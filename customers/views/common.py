"""What the customer pages share: page sizes, the claim link, the double-submit message."""

from django.core import signing
from django.urls import reverse

from salescrm import idempotency, people

PAGE_SIZES = (25, 50, 100, 200)


CLAIM_SALT = "customers.claim"


CLAIM_MAX_AGE = 7 * 24 * 3600


def _page_size(request) -> int:
    try:
        size = int(request.GET.get("size", 50))
    except ValueError:
        return 50
    return size if size in PAGE_SIZES else 50


def _team_salespeople(manager):
    """The salespeople a manager may give customers to (none for a manager without a team)."""
    return people.salespeople(team=people.managed_team_id(manager))


# The same create form arrived twice (a double click): the first made the record.
SENT_TWICE = idempotency.SENT_TWICE


def claim_token(customer, user) -> str:
    return signing.dumps({"c": customer.pk, "u": user.pk}, salt=CLAIM_SALT)


def _claim_url(customer, user) -> str:
    return reverse("customers:claim", kwargs={"token": claim_token(customer, user)})
