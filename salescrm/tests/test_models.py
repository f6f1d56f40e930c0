import pytest
from django.db import IntegrityError

from salescrm.models import User


@pytest.mark.parametrize("weight", [0, 6])
def test_the_database_refuses_an_ability_weight_outside_1_to_5(salesperson, weight):
    with pytest.raises(IntegrityError):
        User.objects.filter(pk=salesperson.pk).update(ability_weight=weight)


@pytest.mark.parametrize("authority", [-1, 100.01])
def test_the_database_refuses_a_discount_authority_outside_0_to_100(salesperson, authority):
    with pytest.raises(IntegrityError):
        User.objects.filter(pk=salesperson.pk).update(discount_authority=authority)


def test_a_change_of_team_is_kept_in_history(salesperson, other_team):
    salesperson.team = other_team
    salesperson.save()

    teams = [record.team_id for record in salesperson.history.order_by("history_date")]
    assert teams[-2:] == [salesperson.history.earliest().team_id, other_team.pk]
    assert teams[-2] != other_team.pk


def test_history_does_not_keep_password_hashes(salesperson):
    fields = {field.name for field in salesperson.history.model._meta.fields}

    assert "password" not in fields
