"""One name per person (display_name, with a sort key), shown the way it is written."""

import importlib

from django.apps import apps as global_apps

from salescrm.models import User, name_from_parts
from salescrm.tests.factories import UserFactory


def test_chinese_names_put_the_family_name_first_without_a_space():
    assert name_from_parts("静", "刘") == "刘静"
    assert name_from_parts("Jing", "Liu") == "Jing Liu"
    assert name_from_parts("", "") == ""
    assert name_from_parts("Ada", "") == "Ada"


def test_the_display_name_is_the_one_name_shown(db):
    person = UserFactory(username="liujing", first_name="Jing", last_name="Liu")
    assert str(person) == "Jing Liu"  # an existing user: first and last name, in order

    person.display_name = "刘静"
    person.save(update_fields=["display_name"])
    person.refresh_from_db()

    assert str(person) == person.get_full_name() == person.get_short_name() == "刘静"
    assert person.sort_name == "刘静"  # filled from the name when not given
    assert UserFactory(username="nobody", first_name="", last_name="").__str__() == "nobody"


def test_the_migration_fills_the_display_name_in_the_order_of_the_language(db):
    chinese = UserFactory(username="a", first_name="静", last_name="刘")
    english = UserFactory(username="b", first_name="Ada", last_name="Lovelace")
    named = UserFactory(username="c", first_name="x", last_name="y", display_name="王芳")
    fill = importlib.import_module("salescrm.migrations.0019_fill_display_names").fill

    fill(global_apps, None)

    names = dict(User.objects.values_list("username", "display_name"))
    assert (names["a"], names["b"], names["c"]) == ("刘静", "Ada Lovelace", "王芳")
    assert User.objects.get(pk=english.pk).sort_name == "ada lovelace"
    assert str(User.objects.get(pk=chinese.pk)) == "刘静"
    assert named.sort_name == "王芳"


def test_the_home_page_welcomes_a_chinese_user_in_chinese_order(client_for, salesperson):
    salesperson.display_name = "刘静"
    salesperson.language = "zh-hans"
    salesperson.save(update_fields=["display_name", "language"])

    page = client_for(salesperson).get("/").content.decode()

    assert "欢迎，刘静" in page
