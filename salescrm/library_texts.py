"""Texts shown by libraries that ship no Simplified Chinese, kept in our catalogue.

Django merges every catalogue of a language, the project's first: listing a
library's message here (marked, not translated, at import) keeps it in
`locale/zh_Hans/LC_MESSAGES/django.po`, where it gets its Chinese.
"""

from django.utils.translation import gettext_noop

# django-filter: the choices of a yes/no filter, and its ordering labels.
DJANGO_FILTER = [
    gettext_noop("Unknown"),
    gettext_noop("Yes"),
    gettext_noop("No"),
    gettext_noop("Any date"),
    gettext_noop("Today"),
    gettext_noop("Past 7 days"),
    gettext_noop("This month"),
    gettext_noop("This year"),
    gettext_noop("Yesterday"),
    gettext_noop("ascending"),
    gettext_noop("descending"),
]
