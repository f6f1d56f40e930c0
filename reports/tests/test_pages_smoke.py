"""Every report page opens for every role that may see it, on the March fixtures."""

import pytest
from django.urls import reverse

from reports.tests.conftest import MARCH
from salescrm.testing.http import html

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["salesperson", "manager", "director", "admin_user"])
def test_pages_open(request, march, client_for, role):
    client = client_for(request.getfixturevalue(role))
    for name in ["reports:dashboard", "reports:people", "reports:compliance"]:
        response = client.get(f"{reverse(name)}?{MARCH}")
        assert response.status_code == 200, name
        assert 'style="' not in html(response).split('id="content"', 1)[-1]


@pytest.mark.parametrize("role", ["salesperson", "manager", "director"])
def test_home_leads_to_the_dashboard(request, client_for, role):
    page = html(client_for(request.getfixturevalue(role)).get(reverse("home")))
    assert f'href="{reverse("reports:dashboard")}" data-testid="open-dashboard"' in page


def test_front_desk_home_has_no_dashboard_link(client_for, front_desk):
    page = html(client_for(front_desk).get(reverse("home")))
    assert 'data-testid="open-dashboard"' not in page
