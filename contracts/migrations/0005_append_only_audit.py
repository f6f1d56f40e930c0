"""History tables refuse UPDATE and DELETE (signatures already do: 0002)."""

from django.db import migrations

from salescrm.audit import append_only


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0004_change_token_reopened"),
        ("salescrm", "0015_append_only_audit"),
    ]

    operations = [
        append_only(
            "contracts_historicalproduct",
            "contracts_historicalplan",
            "contracts_historicalplanversion",
            "contracts_historicalagreement",
            "contracts_historicalagreementline",
            "contracts_historicaldelegation",
            "contracts_historicalchangerequest",
        )
    ]
