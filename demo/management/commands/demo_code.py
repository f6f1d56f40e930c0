import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django_otp.oath import totp

from demo.people import demo_totp_key


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of the demo approvers (from DEMO_TOTP_SECRET, "
        "the demo's own secret; it knows no one else's)."
    )

    def handle(self, *args, **options):
        code = totp(bytes.fromhex(demo_totp_key()), step=30, t0=0, digits=6)
        remaining = 30 - int(time.time()) % 30
        self.stdout.write(f"{code:06d}")
        if options["verbosity"] > 1:
            self.stdout.write(f"valid for {remaining} s more (secret {settings.DEMO_TOTP_SECRET})")
