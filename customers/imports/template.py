"""The empty lead list to fill in: the headers in the active language, and the channels."""

from __future__ import annotations

import tablib
from django.utils.translation import gettext_lazy as _

from customers.imports.columns import COLUMNS, SOURCE_CHANNEL_CHINESE, column_label
from customers.imports.reading import FORMATS
from customers.models import SourceChannel


def template_file(extension: str) -> bytes:
    """An empty lead list with the headers in the active language (any language imports)."""
    headers = [column_label(column) for column in COLUMNS]
    sheet = tablib.Dataset(headers=headers, title=str(_("Customers")))
    if extension == "csv":
        # The byte-order mark tells Excel the file is UTF-8 (Chinese stays readable).
        return ("\ufeff" + FORMATS["csv"]().export_data(sheet)).encode("utf-8")
    if extension != "xlsx":
        raise ValueError(extension)
    channels = tablib.Dataset(
        headers=[str(_("Source channel")), str(_("Also accepted"))],
        title=str(_("Source channels")),
    )
    for channel in SourceChannel:
        channels.append(
            [str(channel.label), ", ".join([channel.value, *SOURCE_CHANNEL_CHINESE[channel]])]
        )
    return tablib.Databook([sheet, channels]).export("xlsx")
