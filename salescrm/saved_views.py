"""Saved views: a person keeps a list's filters and sorting under a name.

The apps register their list pages (by URL name) from AppConfig.ready(); a page includes
"salescrm/_saved_views.html" with `saved_views` (`for_page`) and `saved_view_page`.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.db.models import QuerySet

from salescrm.models import SavedView, User

PAGES: set[str] = set()
# Query parameters that are not part of a view: the page number.
NOT_SAVED = {"page"}
PER_PAGE = 20  # views one person keeps per list


def register(url_name: str) -> None:
    PAGES.add(url_name)


def for_page(user: User, page: str) -> QuerySet[SavedView]:
    return SavedView.objects.filter(user=user, page=page)


def clean_query(query: str) -> str:
    """The filters of a list's query string, without the page number."""
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=False) if k not in NOT_SAVED]
    return urlencode(pairs)
