from django.conf import settings
from django.core.management.base import BaseCommand

from demo.contracts import seed_contracts
from demo.customers import seed_customers
from demo.management.commands.logins import print_logins
from demo.people import seed_people
from demo.pool import seed_pool
from demo.receivables import seed_receivables
from demo.reports import seed_report_data
from demo.visits import seed_visits


class Command(BaseCommand):
    help = "Load the demo data once (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-logins",
            action="store_true",
            help="do not print the logins (make run prints them once the web server answers)",
        )

    def handle(self, *args, verbosity=1, no_logins=False, **options):
        counts = {}
        for label, step in (
            ("people and teams", lambda: seed_people(password=settings.DEMO_PASSWORD)),
            ("customers", seed_customers),
            ("visits", seed_visits),
            ("plans and agreements", seed_contracts),
            ("report data: channel costs and targets", seed_report_data),
            ("collection plans and receipts", seed_receivables),
            ("pool rules: files about to return, returned, locked", seed_pool),
        ):
            if verbosity:
                self.stdout.write(f"  demo data: {label}…")
                self.stdout.flush()
            counts |= step()
        if verbosity == 0:
            return
        for name, count in counts.items():
            self.stdout.write(f"  {name}: {count}")
        if not no_logins:
            print_logins(self.stdout, self.style)
