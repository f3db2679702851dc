"""The three real plans' tables as the files partnerships keep them (.docx and .xlsx), read and parsed.

`fixtures.py` holds each plan's tables as cell text, with their quirks (a table split across pages,
rows continued on the next row, a priority heading spanning the table, leads in one cell, dates in
words, milestones as bullets). Here those tables are written into a Word document (headings before
tables, bullet paragraphs, spanning rows as merged cells) and an Excel workbook (one sheet per table,
spanning rows merged), read back with `files.read_tables`, and parsed: the plan drafted from each
file is the plan drafted from the tables themselves.
"""

from __future__ import annotations

import io
from dataclasses import asdict

import pytest
from docx import Document
from openpyxl import Workbook

from plans.importing.files import read_tables
from plans.importing.parse import parse
from plans.importing.recognise import recognise
from tests.plans.importing import fixtures

PLANS = {
    "stevenage": fixtures.stevenage_tables,
    "east-herts": fixtures.east_herts_tables,
    "hastings": fixtures.hastings_tables,
}
BULLET = "• "


def _spans(row: list[str]) -> bool:
    return len(row) > 1 and row[0] != "" and all(cell == row[0] for cell in row)


def _word(tables) -> bytes:
    document = Document()
    for raw in tables:
        for heading in raw.headings_before:
            document.add_heading(heading, level=2)
        width = len(raw.rows[0])
        table = document.add_table(rows=len(raw.rows), cols=width)
        for r, row in enumerate(raw.rows):
            cells = table.rows[r].cells
            if _spans(row):
                merged = cells[0].merge(cells[-1])
                merged.text = row[0]
                continue
            for cell, text in zip(cells, row, strict=True):
                lines = text.split("\n")
                first = cell.paragraphs[0]
                for index, line in enumerate(lines):
                    paragraph = first if index == 0 else cell.add_paragraph()
                    if line.startswith(BULLET):
                        paragraph.style = document.styles["List Bullet"]
                        paragraph.add_run(line[len(BULLET) :])
                    else:
                        paragraph.add_run(line)
        document.add_paragraph("")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _excel(tables) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for number, raw in enumerate(tables, start=1):
        sheet = workbook.create_sheet(f"Table {number}")
        # A spreadsheet keeps the headings a Word document puts before a table as rows above it.
        for r, heading in enumerate(raw.headings_before, start=1):
            sheet.cell(row=r, column=1, value=heading)
        for r, row in enumerate(raw.rows, start=len(raw.headings_before) + 1):
            if _spans(row):
                sheet.cell(row=r, column=1, value=row[0])
                sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(row))
                continue
            for c, text in enumerate(row, start=1):
                if text:
                    sheet.cell(row=r, column=c, value=text)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _drafted(tables):
    """The plan drafted from tables, without where each row came from (file row numbers and table names)."""
    draft = parse(tables, recognise(tables))
    objectives = []
    for objective in draft.objectives:
        fields = asdict(objective)
        fields.pop("row")
        fields.pop("source")
        fields["errors"] = [error.split(":", 1)[-1] for error in fields["errors"]]
        objectives.append(fields)
    return {
        "priorities": draft.priorities,
        "sections": [asdict(section) for section in draft.sections],
        "objectives": objectives,
        "period_label": draft.period_label,
    }


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize(("kind", "write"), [("docx", _word), ("xlsx", _excel)])
def test_the_plan_drafted_from_its_file_is_the_plan_drafted_from_its_tables(plan, kind, write):
    tables = PLANS[plan]()
    expected = _drafted(tables)
    assert expected["objectives"], "the fixture drafts objectives"
    read = read_tables(io.BytesIO(write(tables)), filename=f"{plan}-plan.{kind}")
    assert _drafted(read) == expected
