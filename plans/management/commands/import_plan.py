"""Import a plan from a Word or Excel file: `manage.py import_plan FILE --partnership SLUG [--title T] [--dry-run]`.

The same path as the import pages (read the tables, recognise the columns, parse, store in one
transaction), run by an operator: no user is named, so the services' coordinator check is skipped.
Exit code 0 when imported (or the same file was imported before), 1 on errors or a refused file,
2 for an unknown partnership.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from csp.models import Partnership
from plans.importing.drafts import ImportFileError
from plans.importing.files import read_tables
from plans.importing.parse import parse
from plans.importing.recognise import recognise
from plans.services.importing import plan_import


class Command(BaseCommand):
    help = "Import a plan from a .docx or .xlsx file as a draft plan of a partnership."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The plan: a Word (.docx) or Excel (.xlsx) file.")
        parser.add_argument("--partnership", required=True, help="The partnership's slug.")
        parser.add_argument("--title", default="", help="The plan's title (default: the file's, else its name).")
        parser.add_argument("--dry-run", action="store_true", help="Check and count only: nothing is written.")

    def handle(self, *args, file: str, partnership: str, title: str, dry_run: bool, **options):
        found = Partnership.objects.filter(slug=partnership).first()
        if found is None:
            raise CommandError(f"No partnership has the slug '{partnership}'", returncode=2)
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}", returncode=1) from error
        try:
            tables = read_tables(io.BytesIO(data), filename=path.name)
        except ImportFileError as error:
            raise CommandError(str(error), returncode=1) from error
        draft = parse(tables, recognise(tables), title=title)
        result = plan_import(
            user=None,
            partnership=found,
            draft=draft,
            title=title,
            source_sha256=hashlib.sha256(data).hexdigest(),
            source_name=path.name,
            dry_run=dry_run,
        )
        if result.duplicate_of is not None:
            self.stdout.write(result.duplicate_message)
            return
        for key, count in result.counts.items():
            self.stdout.write(f"{key}: {count}")
        for error in result.errors:
            self.stdout.write(error)
        if result.errors:
            problems = "problem" if len(result.errors) == 1 else "problems"
            raise CommandError(f"Nothing was imported: {len(result.errors)} {problems}", returncode=1)
        if dry_run:
            self.stdout.write("Dry run: nothing written")
        else:
            self.stdout.write(f"Imported plan {result.plan.pk}: {result.plan.title}")
