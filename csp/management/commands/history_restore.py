"""`manage.py history_restore FILE [FILE ...]`: put archived history rows back (rows already present are kept)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from csp.history_retention import history_restore


class Command(BaseCommand):
    help = "Restore history rows from files written by history_archive."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")

    def handle(self, *args, files: list[Path], **options):
        missing = [str(path) for path in files if not path.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")
        try:
            counts = history_restore(paths=files)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(f"history_restore: {sum(counts.values())} rows read from {len(files)} files")
