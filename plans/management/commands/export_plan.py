"""`manage.py export_plan --plan ID --out FILE.xlsx|FILE.docx`: a plan as Excel (the import layout) or Word."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plans.exporting import export_plan_docx, export_plan_xlsx
from plans.models import Plan

EXPORTS = {".xlsx": export_plan_xlsx, ".docx": export_plan_docx}


class Command(BaseCommand):
    help = "Write a plan to an Excel workbook in the layout the importer reads (.xlsx) or a Word document (.docx)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", type=int, required=True, help="The plan's id (archived plans too).")
        parser.add_argument("--out", type=Path, required=True, help="The file to write: its extension, .xlsx or .docx.")

    def handle(self, *args: Any, plan: int, out: Path, **options: Any) -> None:
        make = EXPORTS.get(out.suffix.lower())
        if make is None:
            raise CommandError(f"Cannot tell the file type from '{out.name}': name it .xlsx or .docx.", returncode=1)
        # An operator's command: every plan, whatever the partnership (the pages scope by the user's).
        found = Plan.objects.select_related("partnership").filter(pk=plan).first()
        if found is None:
            raise CommandError(f"There is no plan {plan}.", returncode=2)
        content = make(found)
        out.write_bytes(content)
        self.stdout.write(f"Wrote {found.title} ({found.partnership.name}) to {out}: {len(content):,} bytes.")
