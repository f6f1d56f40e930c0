"""Team.manager goes; one active manager per team (see 0008 for why and the data step)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("salescrm", "0008_team_manager_joins_its_team")]

    operations = [
        migrations.RemoveField(model_name="historicalteam", name="manager"),
        migrations.RemoveField(model_name="team", name="manager"),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_active", True), ("role", "manager")),
                fields=("team",),
                name="one_active_manager_per_team",
                violation_error_message="This team already has an active sales manager.",
            ),
        ),
    ]
