# A contact person (a customer's employee) is ContactPerson: "contact" alone also names an
# act of contacting (visits.ContactRecord). Renamed, not recreated: no row changes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0003_deadlines"),
    ]

    operations = [
        migrations.RenameModel(old_name="Contact", new_name="ContactPerson"),
        migrations.RenameModel(old_name="HistoricalContact", new_name="HistoricalContactPerson"),
        migrations.AlterField(
            model_name="contactperson",
            name="customer",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="contact_people",
                to="customers.customer",
            ),
        ),
    ]
