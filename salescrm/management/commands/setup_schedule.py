from django.conf import settings
from django.core.management.base import BaseCommand

from salescrm.schedule import setup_schedule


class Command(BaseCommand):
    help = (
        "Seed the Celery beat schedule into the database (missing entries only; --reset for all)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Put every entry back to its declared schedule."
        )

    def handle(self, *args, reset=False, **options):
        counts = setup_schedule(time_zone=settings.TIME_ZONE, reset=reset)
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in counts.items()))
