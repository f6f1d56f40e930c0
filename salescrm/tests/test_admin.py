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


def history_admins():
    from django.contrib import admin
    from simple_history.admin import SimpleHistoryAdmin

    return [
        model_admin
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, SimpleHistoryAdmin)
    ]


def test_every_admin_with_history_refuses_revert():
    from salescrm.admin import HistoryAdmin

    admins = history_admins()

    assert len(admins) >= 9
    assert [a for a in admins if not isinstance(a, HistoryAdmin)] == []


def test_no_history_version_can_be_posted_back_through_the_admin(
    client_for, admin_user, salesperson
):
    """A POST to any admin's history form view is refused and writes nothing (User, Team,
    Policy, Delegation, ... as well as the read-only business records)."""
    from salescrm import services

    team = salesperson.team
    services.user_set_language(user=salesperson, language="zh-hans")
    client = client_for(admin_user)
    for obj, model_admin in [(salesperson, "salescrm_user"), (team, "salescrm_team")]:
        version = obj.history.earliest()
        count = obj.history.count()
        response = client.post(
            reverse(f"admin:{model_admin}_simple_history", args=[obj.pk, version.history_id]),
            {"username": "renamed", "name": "renamed", "role": "director"},
        )

        assert response.status_code == 403
        assert obj.history.count() == count
    salesperson.refresh_from_db()
    assert salesperson.username == "salesperson"
    assert salesperson.language == "zh-hans"


def test_people_are_deactivated_never_deleted_in_the_admin(client_for, admin_user, salesperson):
    """Their history (append-only) names them; deleting would have to rewrite it."""
    response = client_for(admin_user).post(
        reverse("admin:salescrm_user_delete", args=[salesperson.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert User.objects.filter(pk=salesperson.pk).exists()
