from django.conf import settings

from salescrm.navigation import items_for


def navigation(request):
    return {
        "nav_items": items_for(request.user),
        "language_choices": settings.LANGUAGES,
    }
