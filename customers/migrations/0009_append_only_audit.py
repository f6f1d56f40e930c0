"""History, class changes, assignments and the thread refuse UPDATE and DELETE."""

from django.db import migrations

from salescrm.audit import append_only


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0008_pool_team_and_import_batch"),
        ("salescrm", "0015_append_only_audit"),
    ]

    operations = [
        append_only(
            "customers_historicalcustomer",
            "customers_historicalcontactperson",
            "customers_historicalownershipclaim",
            "customers_classchange",
            "customers_assignment",
            "customers_customernote",
        )
    ]
