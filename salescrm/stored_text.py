"""Texts the system stores now and shows later, in the reader's language.

A notification, a class change made by the system, ... is stored as a message
(a lazy gettext string kept in code, referred to by a code) and raw parameters.
Moments, days and amounts are kept as values (`moment`, `day`, `amount` wrap
them for JSON), never as text formatted in the writer's language; `render`
formats them when the text is shown or e-mailed, in the active language:
"2026年12月2日 14:50" / "2 Dec 2026 14:50", "¥155,720.00".
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format


def moment(value: datetime) -> dict:
    return {"datetime": value.isoformat()}


def day(value: date) -> dict:
    return {"date": value.isoformat()}


def amount(value: Decimal | int | str) -> dict:
    return {"amount": str(value)}


def money(value: Decimal | int | float | str | None) -> str:
    """An amount in yuan as both languages write it: ¥155,720.00."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    sign = "-" if number < 0 else ""
    return f"{sign}¥{abs(number):,.2f}"


def display(value: object) -> str:
    """One stored parameter as text in the active language."""
    if isinstance(value, dict):
        if "datetime" in value:
            moment_value = parse_datetime(value["datetime"])
            return date_format(timezone.localtime(moment_value), "DATETIME_FORMAT")
        if "date" in value:
            return date_format(parse_date(value["date"]), "DATE_FORMAT")
        if "amount" in value:
            return money(value["amount"])
    return str(value)


def render(message: str, params: dict) -> str:
    """`message` (translated in the active language) filled with `params` formatted for it.

    A value that ends a sentence with its own full stop ("Acme Co., Ltd.") does not
    get a second one from the message.
    """
    template = str(message)
    shown = {name: display(value) for name, value in params.items()}
    for name, value in shown.items():
        if value.endswith("."):
            template = template.replace(f"%({name})s.", f"%({name})s")
    return template % shown
