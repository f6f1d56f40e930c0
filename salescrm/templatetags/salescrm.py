from django import template

from salescrm import notifications

register = template.Library()


@register.filter
def notification_text(notification) -> str:
    """The notification's message in the active language."""
    return notifications.message(notification)


@register.filter
def notification_action(notification) -> str:
    """What the notification asks its reader to do, in the active language."""
    return str(notifications.ACTIONS.get(notification.kind, ""))
