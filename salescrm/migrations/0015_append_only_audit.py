"""History tables refuse UPDATE and DELETE; a finished job run is kept as it finished."""

from django.db import migrations

from salescrm.audit import (
    CREATE_FUNCTION,
    CREATE_JOB_RUN_FUNCTION,
    DROP_FUNCTION,
    DROP_JOB_RUN_FUNCTION,
    append_only,
)


class Migration(migrations.Migration):
    dependencies = [("salescrm", "0014_finance_role")]

    operations = [
        migrations.RunSQL(CREATE_FUNCTION, DROP_FUNCTION),
        append_only(
            "salescrm_historicalteam",
            "salescrm_historicaluser",
            "salescrm_historicalcalendarday",
            "salescrm_historicalpolicy",
        ),
        migrations.RunSQL(CREATE_JOB_RUN_FUNCTION, DROP_JOB_RUN_FUNCTION),
    ]
