"""A team's manager is its one active member with the manager role; Team.manager goes.

Before, a team named its manager (Team.manager) and every user had a team (User.team), and
nothing tied the two: the manager named by the team could belong to another team, and a
second manager-role user in a team could decide its claims but not sign its agreements.
Now the user's team and role are the one source of truth, and the database allows one
active manager per team.

The data step keeps who was the manager: the user Team.manager named joins that team (and
has the manager role). Any other active manager-role member of the team is taken out of it
(team emptied), so the constraint can be added; the administrator gives them a team again.
"""

from django.db import migrations


def keep_the_named_manager(apps, schema_editor):
    Team = apps.get_model("salescrm", "Team")
    User = apps.get_model("salescrm", "User")
    for team in Team.objects.exclude(manager=None):
        User.objects.filter(pk=team.manager_id).update(team=team, role="manager")
    for team in Team.objects.all():
        managers = User.objects.filter(team=team, role="manager", is_active=True).order_by("pk")
        keep = team.manager_id or (managers[0].pk if managers else None)
        managers.exclude(pk=keep).update(team=None)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("salescrm", "0007_historicalpolicy_major_agreement_threshold_and_more"),
    ]

    operations = [migrations.RunPython(keep_the_named_manager, migrations.RunPython.noop)]
