"""The navigation bar, per role. Each domain app adds its entries here."""

from django.utils.translation import gettext_lazy as _

from salescrm.roles import Role

ALL_ROLES = frozenset(Role)

# (url name, label, roles that see it)
NAVIGATION = [
    ("home", _("Home"), ALL_ROLES),
    ("customers:list", _("Customers"), frozenset({Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR})),
    ("customers:pool", _("Pool"), frozenset({Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR})),
    ("visits:list", _("Visits"), frozenset({Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR})),
    (
        "contracts:list",
        _("Plans & agreements"),
        frozenset({Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR}),
    ),
    ("visits:desk", _("Today's visits"), frozenset({Role.FRONT_DESK})),
    ("customers:checks", _("Weekly check"), frozenset({Role.MANAGER})),
    ("customers:claims", _("Claims"), frozenset({Role.MANAGER})),
    ("customers:reassignment_queue", _("Reassignment queue"), frozenset({Role.MANAGER})),
    ("customers:board", _("Pipeline board"), frozenset({Role.MANAGER, Role.DIRECTOR})),
    ("inbox", _("Inbox"), ALL_ROLES),
    ("admin:index", _("Administration"), frozenset({Role.ADMIN})),
]


def items_for(user) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return []
    return [(url, label) for url, label, roles in NAVIGATION if user.role in roles]
