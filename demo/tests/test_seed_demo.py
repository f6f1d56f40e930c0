import io

import pytest
from django.core.management import CommandError, call_command

from demo.people import seed_people
from salescrm import people
from salescrm.models import CompanyProfile, Team, User
from salescrm.roles import Role

DEMO_USERNAMES = {
    "director", "manager1", "manager2", "frontdesk", "admin", "finance1",
    "sales1", "sales2", "sales3", "sales4", "sales5", "sales6",
}  # fmt: skip


def test_seed_demo_creates_and_prints_every_demo_login(db, settings):
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    assert set(User.objects.values_list("username", flat=True)) == DEMO_USERNAMES
    for user in User.objects.all():
        assert user.check_password(settings.DEMO_PASSWORD)
        assert user.username in out.getvalue()


def test_seed_demo_builds_two_teams_of_three_with_their_managers(db, settings):
    seed_people(password=settings.DEMO_PASSWORD)

    for team in Team.objects.all():
        assert people.manager_of_team(team.pk).role == Role.MANAGER
        assert people.manager_of_team(team.pk).team == team
        assert team.members.filter(role=Role.SALESPERSON).count() == 3
    assert Team.objects.count() == 2


def test_the_demo_people_and_teams_have_chinese_names(db, settings, client_for):
    seed_people(password=settings.DEMO_PASSWORD)

    assert set(Team.objects.values_list("name", flat=True)) == {"华东销售部", "华南销售部"}
    sales1 = User.objects.get(username="sales1")
    assert str(sales1) == "刘静"
    assert str(User.objects.get(username="manager1")) == "王丽"
    assert all(not str(person).isascii() for person in User.objects.all())
    # Lists order people by their sort key (pinyin): 黄艳 (huang) before 周涛 (zhou).
    south = [str(p) for p in people.salespeople(team=User.objects.get(username="sales4").team)]
    assert south == ["黄艳", "吴霞", "周涛"]
    sales1.language = "zh-hans"
    sales1.save(update_fields=["language"])
    assert "欢迎，刘静" in client_for(sales1).get("/").content.decode()


def test_the_demo_company_is_printed_on_documents(db, settings):
    seed_people(password=settings.DEMO_PASSWORD)

    profile = CompanyProfile.objects.get()
    assert profile.legal_name == "上海星辰传媒有限公司"
    assert profile.tax_number
    assert profile.bank_account


def test_seed_people_twice_changes_nothing(db, settings):
    seed_people(password=settings.DEMO_PASSWORD)
    before = list(User.objects.order_by("pk").values("pk", "password", "team", "role"))

    seed_people(password=settings.DEMO_PASSWORD)

    assert list(User.objects.order_by("pk").values("pk", "password", "team", "role")) == before


def test_only_the_administrator_may_use_the_admin_site(db, settings):
    seed_people(password=settings.DEMO_PASSWORD)

    assert set(User.objects.filter(is_staff=True).values_list("username", flat=True)) == {"admin"}


def test_logins_waits_for_the_web_server_then_prints_its_address(live_server, settings):
    settings.SITE_URL = live_server.url
    out = io.StringIO()

    call_command("logins", wait=10, stdout=out)

    assert f"SalesCRM is up at {live_server.url}/" in out.getvalue()
    assert "manager1" in out.getvalue()


def test_logins_gives_up_when_nothing_answers(settings):
    settings.SITE_URL = "http://127.0.0.1:9"  # the discard port: nothing listens

    with pytest.raises(CommandError, match="did not answer"):
        call_command("logins", wait=1, stdout=io.StringIO())
