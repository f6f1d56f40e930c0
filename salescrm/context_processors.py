from django.conf import settings

from salescrm import notifications, permissions
from salescrm.navigation import items_for


def navigation(request):
    user = request.user
    return {
        "nav_items": items_for(user),
        "can": permissions.for_templates(user),
        "language_choices": settings.LANGUAGES,
        "unread_count": notifications.unread_for(user).count() if user.is_authenticated else 0,
    }
