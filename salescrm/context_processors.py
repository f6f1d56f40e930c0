from django.conf import settings

from salescrm import notifications, permissions
from salescrm.navigation import menu_for


def navigation(request):
    user = request.user
    return {
        "nav_menu": menu_for(user),
        "can": permissions.for_templates(user),
        "language_choices": settings.LANGUAGES,
        # What still waits for the person: actions not done, information not read.
        "unread_count": notifications.waiting_for(user).count() if user.is_authenticated else 0,
    }
