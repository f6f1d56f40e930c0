"""The company's pool policy as shipped: the administrator changes it in the admin."""

from django.db import migrations

DEFAULTS = {"unclassified": 20, "tracking": 20, "potential": 40, "progressing": 60, "key": 60}


def seed(apps, schema_editor):
    RecycleRule = apps.get_model("customers", "RecycleRule")
    for pipeline_class, days in DEFAULTS.items():
        RecycleRule.objects.get_or_create(
            pipeline_class=pipeline_class, defaults={"working_days": days}
        )


class Migration(migrations.Migration):
    dependencies = [("customers", "0011_pool_rules")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
