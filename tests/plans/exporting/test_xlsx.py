"""The XLSX export: exact cell values in the importer's layout, text cells only, constant queries."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from plans.exporting import export_plan_xlsx
from plans.importing.layout import ABOUT_ROWS, EXPORT_COLUMNS
from tests.factories import PlanFactory, PriorityFactory

from .small_plan import plan_with_objectives, small_plan

pytestmark = pytest.mark.django_db

HEADINGS = [heading for _key, heading in EXPORT_COLUMNS]


def _workbook(plan):
    return load_workbook(io.BytesIO(export_plan_xlsx(plan)))


def _rows(sheet) -> list[dict[str, str]]:
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADINGS
    return [{key: value or "" for (key, _h), value in zip(EXPORT_COLUMNS, row, strict=True)} for row in rows[1:]]


def test_the_plan_sheet_has_one_row_per_live_objective_in_plan_order():
    world = small_plan()
    rows = _rows(_workbook(world.plan)["Plan"])
    assert [row["ref"] for row in rows] == ["1.1", "2.1", "2.2"]  # 2.3 is archived; struck 2.2 stays


def test_every_column_of_a_full_objective():
    world = small_plan()
    first = _rows(_workbook(world.plan)["Plan"])[0]
    assert first == {
        "priority": "Domestic abuse\nASB, criminal damage",
        "section": "Domestic abuse",
        "theme": "Awareness",
        "ref": "1.1",
        "title": "Support the work of the DA coordinator",
        "actions": "• Continue awareness raising.\n• Run a campaign in November.",
        "lead": (
            "Person: Alex Hepton; Organisation: Stevenage Borough Council\n"
            "Kind: In conjunction with; Job title: Chief Inspector; Organisation: Hertfordshire Constabulary\n"
            "Kind: Reporting officer; Person: Michael Nadasdy; Group: Joint Action Group\n"
            "Organisation: Probation Service"
        ),
        "lead_group": "Officers Delivery Group",
        "due": "March 2015",
        "resources": "Existing resources / officer time.\nExternal funding streams.",
        "cost": "1500.00",
        "outcomes": "1. At least one campaign undertaken this year.\n2. 20% annual increase in reporting.",
        "target": "=SUM(A1:A3) reported cases",
        "milestones": "Campaign planned\nPartners briefed\nCampaign run",
        "milestone_dates": "September 2014\n\n2014-11-30",
        "milestone_leads": (
            "Person: Alex Hepton; Organisation: Stevenage Borough Council | "
            "Kind: In conjunction with; Group: Officers Delivery Group\n"
            "\n"
            "Job title: Community Safety Team"
        ),
    }


def test_text_dates_costs_and_a_lead_known_only_as_text():
    world = small_plan()
    second, struck = _rows(_workbook(world.plan)["Plan"])[1:]
    assert second["due"] == "Ongoing"
    assert second["cost"] == "Officer time"
    assert second["lead"] == "Job title: ODG (All)"
    assert second["priority"] == "ASB, criminal damage"
    assert second["milestones"] == second["milestone_dates"] == second["milestone_leads"] == ""
    assert struck["due"] == "2014-06-30"  # a date without text: ISO
    assert struck["title"] == "Run Operation Marble"  # struck: exported, value exact
    assert struck["lead"] == ""


def test_a_value_starting_with_equals_stays_text():
    world = small_plan()
    sheet = _workbook(world.plan)["Plan"]
    cell = sheet.cell(row=2, column=HEADINGS.index("Target and indicator") + 1)
    assert cell.data_type == "s"
    assert cell.value == "=SUM(A1:A3) reported cases"
    assert cell.quotePrefix
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value is not None)


@pytest.mark.parametrize("value", ["=1+1", "+44 1438 242242", "-5% in offending", "@risk", '=HYPERLINK("http://x")'])
def test_formula_like_titles_are_kept_as_the_same_text(value):
    world = small_plan()
    world.first.title = value
    world.first.save()
    xml = _sheet_xml(export_plan_xlsx(world.plan))
    assert "<f>" not in xml
    cell = _workbook(world.plan)["Plan"]["E2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (value, "s", True)


def _sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def test_the_about_sheet():
    world = small_plan()
    about = _workbook(world.plan)["About"]
    assert [list(row) for row in about.iter_rows(values_only=True)] == [
        ["Title", "Action plan 2014/15"],
        ["Period", "2014/15"],
        ["Period start", "2014-04-01"],
        ["Period end", "2015-03-31"],
        ["Partnership", "Stevenage Community Safety Partnership"],
    ]
    assert [row[0] for row in about.iter_rows(values_only=True)] == ABOUT_ROWS


def test_sheet_order_header_bold_frozen_and_wrapped():
    world = small_plan()
    workbook = _workbook(world.plan)
    assert workbook.sheetnames == ["Plan", "About"]
    sheet = workbook["Plan"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.cell(row=2, column=1).alignment.wrap_text
    assert sheet.column_dimensions["E"].width == 50  # Objective


def test_a_plan_without_objectives_has_only_the_heading_row():
    plan = PlanFactory()
    rows = list(_workbook(plan)["Plan"].iter_rows(values_only=True))
    assert rows == [tuple(HEADINGS)]


@pytest.mark.parametrize("count", [1, 10])
def test_queries_do_not_grow_with_the_objectives(django_assert_max_num_queries, count):
    plan = plan_with_objectives(count)
    with django_assert_max_num_queries(10):
        export_plan_xlsx(plan)


def test_the_section_priority_comes_first_then_the_objective_own_in_priority_order():
    world = small_plan()
    partnership = world.plan.partnership
    zebra = PriorityFactory(partnership=partnership, title="Youth offending", position=0)
    alpha = PriorityFactory(partnership=partnership, title="arson", position=9)
    world.first.priorities.add(zebra, alpha)
    first = _rows(_workbook(world.plan)["Plan"])[0]
    assert first["priority"] == "Domestic abuse\nYouth offending\nASB, criminal damage\narson"
