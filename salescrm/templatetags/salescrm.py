from urllib.parse import quote

from django import template

from salescrm import notifications, stored_text

register = template.Library()


@register.filter
def notification_text(notification) -> str:
    """The notification's message in the active language."""
    return notifications.message(notification)


@register.filter
def notification_action(notification) -> str:
    """What the notification asks its reader to do, in the active language."""
    return str(notifications.ACTIONS.get(notification.kind, ""))


@register.filter
def phone_href(number: str) -> str:
    """A phone number as written, for a tel: link (digits, and a leading + kept)."""
    number = str(number or "").strip()
    digits = "".join(ch for ch in number if ch.isdigit())
    return f"+{digits}" if number.startswith("+") else digits


@register.filter
def mailto_href(address: str) -> str:
    """An e-mail address for a mailto: link (trimmed, anything unsafe in a URL escaped)."""
    return quote(str(address or "").strip(), safe="@.+-_")


@register.filter
def money(value) -> str:
    """An amount in yuan, as both languages write it: ¥155,720.00."""
    return stored_text.money(value)
