"""History tables refuse UPDATE and DELETE (salescrm.audit)."""

from django.db import migrations

from salescrm.audit import append_only


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_report_indexes"),
        ("salescrm", "0015_append_only_audit"),
    ]

    operations = [
        append_only("reports_historicalchannelcost", "reports_historicalrevenuetarget"),
    ]
