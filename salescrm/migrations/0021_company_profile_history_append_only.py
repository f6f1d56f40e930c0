"""The company profile's history refuses UPDATE and DELETE, like every other history table."""

from django.db import migrations

from salescrm.audit import append_only


class Migration(migrations.Migration):
    dependencies = [("salescrm", "0020_merge_20261203_1542")]

    operations = [append_only("salescrm_historicalcompanyprofile")]
