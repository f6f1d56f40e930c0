"""Fill the display name of people entered before it existed, in their language's order."""

from django.db import migrations

from salescrm.models import name_from_parts


def fill(apps, schema_editor):
    User = apps.get_model("salescrm", "User")
    people = list(User.objects.filter(display_name=""))
    for person in people:
        person.display_name = name_from_parts(person.first_name, person.last_name)[:100]
        person.sort_name = person.display_name.casefold()
    User.objects.bulk_update(people, ["display_name", "sort_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("salescrm", "0018_user_display_name_company_profile")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
