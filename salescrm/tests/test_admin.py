import pytest
from django.forms import modelform_factory
from django.urls import reverse

from salescrm.models import User


def test_salespeople_cannot_open_the_admin(client_for, salesperson):
    response = client_for(salesperson).get(reverse("admin:index"))

    assert response.status_code == 302


@pytest.mark.parametrize(
    ("field", "value"),
    [("ability_weight", 0), ("ability_weight", 6), ("discount_authority", "100.5")],
)
def test_user_forms_refuse_values_out_of_range(salesperson, field, value):
    form = modelform_factory(User, fields=[field])(instance=salesperson, data={field: value})

    assert field in form.errors
