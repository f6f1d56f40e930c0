"""History tables refuse UPDATE and DELETE."""

from django.db import migrations

from salescrm.audit import append_only


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0004_visit_log_person_met"),
        ("salescrm", "0015_append_only_audit"),
    ]

    operations = [
        append_only(
            "visits_historicalcontactrecord",
            "visits_historicalvisitslip",
            "visits_historicalvisitlog",
        )
    ]
