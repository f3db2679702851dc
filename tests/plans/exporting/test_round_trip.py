"""The export's promise, on what the demo plans lack (milestones with dates, several leads and none, a lead known
only as text, a struck objective, formula-like text): export -> import into an empty partnership -> export again
gives the same cells (the About sheet's Partnership row aside). The demo plans' round trip is in
tests/plans/importing/test_round_trip.py."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from plans.exporting import export_plan_xlsx
from plans.importing.files import read_tables
from plans.importing.parse import parse
from plans.importing.recognise import recognise
from plans.services.importing import plan_import
from tests.factories import PartnershipFactory

from .small_plan import small_plan

pytestmark = pytest.mark.django_db


def _cells(content: bytes) -> dict[str, list[list[str | None]]]:
    workbook = load_workbook(io.BytesIO(content))
    return {name: [list(row) for row in workbook[name].iter_rows(values_only=True)] for name in workbook.sheetnames}


def _export_import_export(plan) -> tuple[dict, dict]:
    first = export_plan_xlsx(plan)
    tables = read_tables(io.BytesIO(first), filename="plan.xlsx")
    draft = parse(tables, recognise(tables))
    assert not draft.has_errors
    result = plan_import(user=None, partnership=PartnershipFactory(), draft=draft, source_name="plan.xlsx")
    assert result.errors == []
    return _cells(first), _cells(export_plan_xlsx(result.plan))


def _without_partnership(cells: dict) -> dict:
    return {**cells, "About": [row for row in cells["About"] if row[0] != "Partnership"]}


def test_the_small_plan_comes_back_the_same():
    before, after = _export_import_export(small_plan().plan)
    assert _without_partnership(after) == _without_partnership(before)
    assert len(before["Plan"]) == 4


def test_an_undated_first_milestone_comes_back_undated():
    world = small_plan()
    world.first.milestones.filter(text="Campaign planned").update(due_date=None, due_text="")
    before, after = _export_import_export(world.plan)
    heading, first_row = before["Plan"][0], before["Plan"][1]
    assert first_row[heading.index("Milestone dates")] == "\n\n2014-11-30"
    assert _without_partnership(after) == _without_partnership(before)
