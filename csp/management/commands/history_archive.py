"""`manage.py history_archive --older-than DAYS --out DIR`: archive old history to .jsonl.gz files and delete it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from csp.history_retention import history_archive


class Command(BaseCommand):
    help = "Move history rows older than DAYS days to compressed files (one per table) in DIR, then delete them."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, required=True, metavar="DAYS")
        parser.add_argument("--out", type=Path, required=True, metavar="DIR")
        parser.add_argument("--dry-run", action="store_true", help="Only count the rows that would be archived.")

    def handle(self, *args, older_than: int, out: Path, dry_run: bool, **options):
        if older_than < 1:
            raise CommandError("--older-than must be at least 1 day.")
        counts = history_archive(older_than=dt.timedelta(days=older_than), out=out, dry_run=dry_run)
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count}")
        verb = "would be archived" if dry_run else f"archived to {out}"
        self.stdout.write(f"history_archive: {sum(counts.values())} rows older than {older_than} days {verb}")
