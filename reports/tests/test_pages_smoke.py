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
