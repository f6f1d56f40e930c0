"""Demo data for `make run`: the people and teams. The other demo modules seed the rest."""

from base64 import b32decode
from binascii import hexlify

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from salescrm.accounts import mfa
from salescrm.models import CompanyProfile, Team, User
from salescrm.roles import Role

# username, display name (as written: Chinese family name first), sort key (pinyin), role,
# team key, ability weight, discount authority (%)
PEOPLE = [
    ("director", "张伟", "zhang wei", Role.DIRECTOR, None, 3, 30),
    ("manager1", "王丽", "wang li", Role.MANAGER, "east", 4, 20),
    ("manager2", "陈敏", "chen min", Role.MANAGER, "south", 4, 20),
    ("sales1", "刘静", "liu jing", Role.SALESPERSON, "east", 5, 15),
    ("sales2", "杨磊", "yang lei", Role.SALESPERSON, "east", 3, 10),
    ("sales3", "赵芳", "zhao fang", Role.SALESPERSON, "east", 1, 5),
    ("sales4", "黄艳", "huang yan", Role.SALESPERSON, "south", 4, 12),
    ("sales5", "周涛", "zhou tao", Role.SALESPERSON, "south", 2, 8),
    ("sales6", "吴霞", "wu xia", Role.SALESPERSON, "south", 3, 10),
    ("frontdesk", "徐慧", "xu hui", Role.FRONT_DESK, None, 3, 0),
    ("admin", "系统管理员", "xi tong guan li yuan", Role.ADMIN, None, 3, 0),
    ("finance1", "马静", "ma jing", Role.FINANCE, None, 3, 0),
]
TEAMS = {"east": "华东销售部", "south": "华南销售部"}
# Our company as printed on the demo's plans and agreements (乙方); the admin may change it.
COMPANY = {
    "letterhead": "星辰传媒集团 · 广告销售中心",
    "legal_name": "上海星辰传媒有限公司",
    "legal_name_en": "Shanghai Xingchen Media Co., Ltd.",
    "address": "上海市浦东新区世纪大道100号环球金融中心20楼",
    "address_en": "20/F, 100 Century Avenue, Pudong, Shanghai",
    "phone": "021-6888 0000",
    "tax_number": "91310115MA1K4XXX8T",
    "bank": "中国工商银行上海市浦东分行",
    "bank_account": "1001 2345 0900 0012 345",
}


@transaction.atomic
def seed_people(*, password: str) -> dict:
    """Create the demo teams and users if missing; never change existing ones (except to
    give a demo approver without any authenticator the demo one)."""
    teams = {key: Team.objects.get_or_create(name=name)[0] for key, name in TEAMS.items()}
    CompanyProfile.objects.get_or_create(pk=1, defaults=COMPANY)
    created = 0
    for username, name, sort_name, role, team_key, weight, authority in PEOPLE:
        user = User.objects.filter(username=username).first()
        if user is not None:
            # Demo data made before two-factor sign-in: the approvers get the demo app.
            if mfa.required(user) and not TOTPDevice.objects.filter(user=user).exists():
                give_demo_authenticator(user)
            continue
        user = User(
            username=username,
            display_name=name,
            sort_name=sort_name,
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
