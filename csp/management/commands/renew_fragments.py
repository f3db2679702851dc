"""Renew every content version, so no kept page fragment is shown again (after a write made outside Django)."""

from django.core.management.base import BaseCommand

from csp.content_version import bump


class Command(BaseCommand):
    help = "Renew every content version: kept page fragments are rebuilt (run after writing with psql or pg_restore)."

    def handle(self, *args, **options):
        bump(everything=True)
        self.stdout.write("renew_fragments: every content version renewed")
