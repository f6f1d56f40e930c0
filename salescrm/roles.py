"""Roles, declared once. What each role may do is salescrm.permissions (capabilities);
who holds a role in which team is salescrm.people. Nothing else reads a user's role."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SALESPERSON = "sales", _("Salesperson")
    MANAGER = "manager", _("Sales manager")
    DIRECTOR = "director", _("Marketing director")
    FRONT_DESK = "frontdesk", _("Front desk")
    ADMIN = "admin", _("Administrator")
    # Records and confirms customers' payments; sees every agreement's money (回款) and
    # billing details, no customer file beyond them.
    FINANCE = "finance", _("Finance")


# Roles that belong to a sales team (and so have a team, ability and authority).
TEAM_ROLES = frozenset({Role.SALESPERSON, Role.MANAGER})
