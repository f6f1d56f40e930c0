import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from salescrm.navigation import items_for, menu_for
from salescrm.permissions import Capability, can, capabilities, capability_required
from salescrm.roles import Role
from salescrm.tests.factories import UserFactory


@capability_required(Capability.MANAGE_TEAM)
def managers_only(request):
    return HttpResponse("ok")


def test_capability_required_lets_a_holder_in(rf: RequestFactory, manager):
    request = rf.get("/")
    request.user = manager

    assert managers_only(request).status_code == 200


def test_capability_required_hides_the_page_from_everyone_else(rf: RequestFactory, salesperson):
    request = rf.get("/")
    request.user = salesperson

    with pytest.raises(Http404):
        managers_only(request)


def test_capability_required_sends_anonymous_visitors_to_login(rf: RequestFactory):
    request = rf.get("/")
    request.user = AnonymousUser()

    response = managers_only(request)

    assert response.status_code == 302


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.SALESPERSON, {"read_sales", "record_customers", "sell"}),
        (
            Role.MANAGER,
            {"read_sales", "record_customers", "manage_team", "sign", "oversee"},
        ),
        (Role.DIRECTOR, {"read_sales", "sign", "see_company", "oversee"}),
        (Role.FRONT_DESK, {"run_desk"}),
        (Role.ADMIN, {"administer"}),
    ],
)
def test_each_role_holds_its_capabilities(db, role, expected):
    assert capabilities(UserFactory(role=role)) == expected


def test_a_deactivated_user_may_do_nothing(db):
    assert capabilities(UserFactory(role=Role.MANAGER, is_active=False)) == frozenset()
    assert not can(AnonymousUser(), Capability.READ_SALES)


def test_only_the_administrator_sees_the_administration_link(salesperson, admin_user):
    assert "admin:index" in [url for url, _ in items_for(admin_user)]
    assert "admin:index" not in [url for url, _ in items_for(salesperson)]


def test_the_menu_follows_the_capabilities(salesperson, manager, front_desk):
    assert [url for url, _ in items_for(front_desk)] == ["home", "visits:desk", "inbox"]
    assert "customers:checks" in [url for url, _ in items_for(manager)]
    assert "customers:checks" not in [url for url, _ in items_for(salesperson)]


def test_the_managers_customer_pages_fold_into_one_menu(manager, salesperson):
    menu = menu_for(manager)

    (customers,) = [entry for entry in menu if str(entry.label) == "Customers"]
    assert [child.url_name for child in customers.children] == [
        "customers:list",
        "customers:pool",
        "customers:board",
        "customers:checks",
        "customers:claims",
        "customers:reassignment_queue",
    ]
    # Two customer pages are no menu: the salesperson sees plain links.
    sales_menu = menu_for(salesperson)
    assert not [entry for entry in sales_menu if entry.children and entry.label == customers.label]
    assert {"customers:list", "customers:pool"} <= {e.url_name for e in menu_for(salesperson)}
