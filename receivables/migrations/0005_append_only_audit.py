"""History tables refuse UPDATE and DELETE (salescrm.audit)."""

from django.db import migrations

from salescrm.audit import append_only


class Migration(migrations.Migration):
    dependencies = [
        ("receivables", "0004_no_over_collection_trigger"),
        ("salescrm", "0015_append_only_audit"),
    ]

    operations = [
        append_only(
            "receivables_historicalbillingdetails",
            "receivables_historicalcollectionplan",
            "receivables_historicalinstalment",
            "receivables_historicalreceipt",
            "receivables_historicalinvoice",
        ),
    ]
