"""The empty lead list to fill in: the headers in the active language, and the channels."""

from __future__ import annotations

import tablib
from django.utils.translation import gettext_lazy as _

from customers.imports.columns import COLUMNS, SOURCE_CHANNEL_CHINESE, column_label
from customers.models import SourceChannel
from salescrm import exports


def template_file(extension: str) -> bytes:
    """An empty lead list with the headers in the active language (any language imports)."""
    headers = [column_label(column) for column in COLUMNS]
    sheet = tablib.Dataset(headers=headers, title=str(_("Customers")))
    if extension == "csv":
        return exports.render(sheet, "csv")
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
    return exports.render([sheet, channels], "xlsx")
