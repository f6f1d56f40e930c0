"""Fill the customers' last contact from the contact records and returned visits already on file."""

from django.db import migrations
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Greatest


def backfill(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    ContactRecord = apps.get_model("visits", "ContactRecord")
    VisitSlip = apps.get_model("visits", "VisitSlip")
    last_record = (
        ContactRecord.objects.filter(customer=OuterRef("pk"))
        .values("customer")
        .annotate(last=Max("contacted_at"))
        .values("last")
    )
    last_visit = (
        VisitSlip.objects.filter(customer=OuterRef("pk"), returned_at__isnull=False)
        .values("customer")
        .annotate(last=Max("returned_at"))
        .values("last")
    )
    # GREATEST ignores NULLs in PostgreSQL: the later of the two, or whichever exists.
    Customer.objects.update(
        last_activity_at=Greatest(Subquery(last_record), Subquery(last_visit))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0002_historicalvisitlog_overdue_marked_at_and_more"),
        ("customers", "0005_last_contact_and_list_orderings"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
