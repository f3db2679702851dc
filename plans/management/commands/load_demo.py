"""`manage.py load_demo`: load the real plans and the demo users, and print their logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from plans.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_load, demo_users


class Command(BaseCommand):
    help = "Load the three real partnership plans, the Stevenage Q1 2014/15 update and demo users (demo mode only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Load even though settings.DEMO_MODE is off (never in production)."
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEMO_MODE and not force:
            raise CommandError(
                "Demo data and demo users with a published password are for demo mode only: "
                "set CSP_DEMO_MODE=1, or pass --force if you really mean it."
            )
        counts = demo_load(stdout=self.stdout)
        self.stdout.write("")
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
        self.stdout.write("")
        self.stdout.write(self.style.WARNING(f"DEMO MODE ONLY: every demo user's password is '{DEMO_PASSWORD}'."))
        rows = [(user["username"], user["partnership"], ", ".join(user["roles"])) for user in demo_users()]
        header = ("Username", "Partnership", "Roles")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
        line = "  ".join(f"{{:<{width}}}" for width in widths) + "  {}"
        self.stdout.write(line.format(*header, "Password"))
        self.stdout.write(line.format(*("-" * width for width in widths), "-" * len(DEMO_PASSWORD)))
        for row in rows:
            self.stdout.write(line.format(*row, DEMO_PASSWORD))
        self.stdout.write(
            self.style.WARNING(
                "Coordinators sign in with a second step: a code from an authenticator app with the demo secret "
                f"{DEMO_TOTP_SECRET}, e.g. `oathtool --totp -b {DEMO_TOTP_SECRET}` (docs/security.md)."
            )
        )
