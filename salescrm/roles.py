"""Roles, declared once. Views say which roles they need; nothing else names them."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SALESPERSON = "sales", _("Salesperson")
    MANAGER = "manager", _("Sales manager")
    DIRECTOR = "director", _("Marketing director")
    FRONT_DESK = "frontdesk", _("Front desk")
    ADMIN = "admin", _("Administrator")


# Roles that belong to a sales team (and so have a team, ability and authority).
TEAM_ROLES = frozenset({Role.SALESPERSON, Role.MANAGER})


def role_required(*roles: Role):
    """Allow only signed-in users with one of `roles`; everyone else signed in gets 404.

    404 rather than 403: a page a role may not use does not exist for it.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
