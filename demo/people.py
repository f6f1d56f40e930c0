"""Demo data for `make run`: the people and teams. The other demo modules seed the rest."""

from base64 import b32decode
from binascii import hexlify

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from salescrm.accounts import mfa
from salescrm.models import Team, User
from salescrm.roles import Role

# username, first name, last name, role, team key, ability weight, discount authority (%)
PEOPLE = [
    ("director", "Wei", "Zhang", Role.DIRECTOR, None, 3, 30),
    ("manager1", "Li", "Wang", Role.MANAGER, "east", 4, 20),
    ("manager2", "Min", "Chen", Role.MANAGER, "south", 4, 20),
    ("sales1", "Jing", "Liu", Role.SALESPERSON, "east", 5, 15),
    ("sales2", "Lei", "Yang", Role.SALESPERSON, "east", 3, 10),
    ("sales3", "Fang", "Zhao", Role.SALESPERSON, "east", 1, 5),
    ("sales4", "Yan", "Huang", Role.SALESPERSON, "south", 4, 12),
    ("sales5", "Tao", "Zhou", Role.SALESPERSON, "south", 2, 8),
    ("sales6", "Xia", "Wu", Role.SALESPERSON, "south", 3, 10),
    ("frontdesk", "Hui", "Xu", Role.FRONT_DESK, None, 3, 0),
    ("admin", "Admin", "", Role.ADMIN, None, 3, 0),
    ("finance1", "Jing", "Ma", Role.FINANCE, None, 3, 0),
]
TEAMS = {"east": "East China team", "south": "South China team"}


@transaction.atomic
def seed_people(*, password: str) -> dict:
    """Create the demo teams and users if missing; never change existing ones (except to
    give a demo approver without any authenticator the demo one)."""
    teams = {key: Team.objects.get_or_create(name=name)[0] for key, name in TEAMS.items()}
    created = 0
    for username, first, last, role, team_key, weight, authority in PEOPLE:
        user = User.objects.filter(username=username).first()
        if user is not None:
            # Demo data made before two-factor sign-in: the approvers get the demo app.
            if mfa.required(user) and not TOTPDevice.objects.filter(user=user).exists():
                give_demo_authenticator(user)
            continue
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@salescrm.example",
            role=role,
            team=teams.get(team_key),
            ability_weight=weight,
            discount_authority=authority,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        user.set_password(password)
        user.save()
        if mfa.required(user):
            give_demo_authenticator(user)
        created += 1
    return {"users created": created}


def demo_totp_key() -> str:
    """DEMO_TOTP_SECRET (base32, as typed into an authenticator app) as django-otp's hex key."""
    secret = "".join(settings.DEMO_TOTP_SECRET.split()).upper()
    return hexlify(b32decode(secret + "=" * (-len(secret) % 8))).decode()


def give_demo_authenticator(user: User) -> TOTPDevice:
    """The demo approvers sign in with a second factor too, all from the one demo secret."""
    return TOTPDevice.objects.create(
        user=user, name=mfa.DEVICE_NAME, key=demo_totp_key(), confirmed=True
    )
