"""The pool rules' history refuses UPDATE and DELETE, like every other history table."""

from django.db import migrations

from salescrm.audit import append_only


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0013_merge_20261203_1542"),
        ("salescrm", "0015_append_only_audit"),
    ]

    operations = [append_only("customers_historicalrecyclerule")]
