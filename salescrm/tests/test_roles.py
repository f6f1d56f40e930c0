import pytest
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from salescrm.navigation import items_for
from salescrm.roles import Role, role_required


@role_required(Role.MANAGER)
def managers_only(request):
    return HttpResponse("ok")


def test_role_required_lets_the_named_role_in(rf: RequestFactory, manager):
    request = rf.get("/")
    request.user = manager

    assert managers_only(request).status_code == 200


def test_role_required_hides_the_page_from_other_roles(rf: RequestFactory, salesperson):
    request = rf.get("/")
    request.user = salesperson

    with pytest.raises(Http404):
        managers_only(request)


def test_role_required_sends_anonymous_visitors_to_login(rf: RequestFactory):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()

    response = managers_only(request)

    assert response.status_code == 302


def test_only_the_administrator_sees_the_administration_link(salesperson, admin_user):
    assert "admin:index" in [url for url, _ in items_for(admin_user)]
    assert "admin:index" not in [url for url, _ in items_for(salesperson)]
