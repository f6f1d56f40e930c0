import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.people import PEOPLE


def print_logins(out, style) -> None:
    out.write("")
    out.write(style.SUCCESS(f"SalesCRM is up at {settings.SITE_URL}/"))
    out.write(f"Demo logins, password {settings.DEMO_PASSWORD!r}:")
    for username, _first, _last, role, *_ in PEOPLE:
        out.write(f"  {username:<10} {role.label}")
    out.write(
        "director, manager1, manager2 and admin then give a code (two-factor sign-in):\n"
        "  `make code` in another terminal prints it, or add the secret\n"
        f"  {settings.DEMO_TOTP_SECRET} to an authenticator app."
    )
    out.write("Stop everything with Ctrl-C; print this again with `make logins`.")
    out.write("")


class Command(BaseCommand):
    help = "Print the address and the demo logins; with --wait, once the web server answers."

    def add_arguments(self, parser):
        parser.add_argument(
            "--wait",
            type=float,
            default=0,
            metavar="SECONDS",
            help="first wait up to this long for the login page to answer",
        )

    def handle(self, *args, wait=0, **options):
        if wait:
            self.wait_for_web(f"{settings.SITE_URL}/accounts/login/", wait)
        print_logins(self.stdout, self.style)

    def wait_for_web(self, url: str, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise CommandError(f"{url} did not answer within {seconds:.0f} s")
            time.sleep(0.5)
