from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from salescrm import jobs


class Command(BaseCommand):
    help = "Run every deadline job once at a moment and print how many rows each changed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="ISO date-time to run at (default: now; without a zone: the company's).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would change; change nothing."
        )

    def handle(self, *args, now=None, dry_run=False, **options):
        moment = timezone.now()
        if now is not None:
            try:
                moment = parse_datetime(now)
            except ValueError:  # well formed but impossible: 2026-02-30, 25:00
                moment = None
            if moment is None:
                raise CommandError(f"--now {now!r} is not an ISO date-time (2026-03-02T09:00).")
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        self.stdout.write(
            f"Deadline jobs at {timezone.localtime(moment):%Y-%m-%d %H:%M %Z}"
            + (" (dry run: nothing is changed)" if dry_run else "")
        )
        for name in jobs.JOBS:
            counts = jobs.run_job(name, now=moment, dry_run=dry_run)
            summary = ", ".join(f"{key}: {value}" for key, value in counts.items())
            self.stdout.write(f"  {name:<16} {summary}")
