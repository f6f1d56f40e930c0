from django.conf import settings
from django.core.management.base import BaseCommand

from demo.contracts import seed_contracts
from demo.customers import seed_customers
from demo.people import PEOPLE, seed_people
from demo.visits import seed_visits


class Command(BaseCommand):
    help = "Load the demo data once (idempotent) and print the demo logins."

    def handle(self, *args, verbosity=1, **options):
        counts = seed_people(password=settings.DEMO_PASSWORD)
        counts |= seed_customers()
        counts |= seed_visits()
        counts |= seed_contracts()
        if verbosity == 0:
            return
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Demo logins, password {settings.DEMO_PASSWORD!r}:"))
        for username, _first, _last, role, *_ in PEOPLE:
            self.stdout.write(f"  {username:<10} {role.label}")
        self.stdout.write(
            "director, manager1, manager2 and admin also give a code (two-factor sign-in):\n"
            f"  add the secret {settings.DEMO_TOTP_SECRET} to an authenticator app, or run\n"
            "  .venv/bin/python manage.py demo_code"
        )
