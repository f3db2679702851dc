"""Create a named API token for a user and print it once (replaces DRF's `drf_create_token`)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from csp.tokens import api_token_create


class Command(BaseCommand):
    help = "Create a named API token for USER and print it. It is stored only as a hash: copy it now."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Command line", help="a name to tell the token apart (unique per user)")
        parser.add_argument("--read-only", action="store_true", help="the token may only read (GET, HEAD, OPTIONS)")
        parser.add_argument("--days", type=int, default=None, help="days until it expires (default CSP_API_TOKEN_DAYS)")

    def handle(self, *args, username, name, read_only, days, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        try:
            token, secret = api_token_create(user=user, name=name, read_only=read_only, days=days)
        except ValidationError as error:
            problems = "; ".join(f"{field}: {', '.join(msgs)}" for field, msgs in error.message_dict.items())
            raise CommandError(problems) from error
        scope = token.scope_label.lower()
        self.stderr.write(f"Token {token.name!r} for {username}, {scope}, expires {token.expiry:%Y-%m-%d}.")
        self.stdout.write(secret)
