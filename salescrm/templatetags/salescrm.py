from django import template

from salescrm import notifications

register = template.Library()


@register.filter
def notification_text(notification) -> str:
    """The notification's message in the active language."""
    return notifications.message(notification)
