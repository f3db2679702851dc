"""A plan as an Excel workbook in the importer's layout: sheet "Plan" (one row per objective) and sheet "About"."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..importing.layout import ABOUT_SHEET, EXPORT_COLUMNS, PLAN_SHEET
from ..models import Plan
from .cells import about_rows, plan_rows, xml_text
from .selectors import objectives_for_export

# Column widths (in characters) by field key; others get NARROW.
WIDTHS = {
    "priority": 24,
    "section": 24,
    "title": 50,
    "actions": 50,
    "lead": 45,
    "lead_group": 20,
    "resources": 30,
    "outcomes": 50,
    "target": 35,
    "milestones": 45,
    "milestone_dates": 18,
    "milestone_leads": 45,
}
NARROW = 14
# What Excel and LibreOffice would start a formula with when the cell is typed in.
FORMULA_STARTS = ("=", "+", "-", "@")
WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)


def _text_cell(cell: Cell, value: str) -> None:
    """Write a value as text, whatever it starts with: "=..." is stored as a string, never a formula.

    openpyxl takes a string starting with "=" for a formula; the data type is set back to string, and a
    cell starting like a formula is marked quote-prefixed, so Excel keeps it as text even when it is edited.
    """
    cell.value = xml_text(value)
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    cell.alignment = WRAP


def _write(sheet: Worksheet, rows: list[list[str]]) -> None:
    for row_number, row in enumerate(rows, start=1):
        for column_number, value in enumerate(row, start=1):
            _text_cell(sheet.cell(row=row_number, column=column_number), value)


def export_plan_xlsx(plan: Plan) -> bytes:
    """The plan's live objectives (struck ones included) as a workbook the importer reads back to the same plan."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = PLAN_SHEET
    _write(sheet, plan_rows(objectives_for_export(plan)))
    for cell in sheet[1]:
        cell.font = BOLD
    sheet.freeze_panes = "A2"
    for index, (key, _heading) in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(key, NARROW)
    about = workbook.create_sheet(ABOUT_SHEET)
    _write(about, about_rows(plan))
    for (cell,) in about.iter_rows(max_col=1):
        cell.font = BOLD
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 70
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
