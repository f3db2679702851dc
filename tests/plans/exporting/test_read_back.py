"""The export read by the importer's file reader: every cell comes back as exactly the text the export wrote."""

from __future__ import annotations

import io

import pytest
from docx import Document

from plans.exporting import export_plan_docx, export_plan_xlsx, objectives_for_export
from plans.exporting.cells import about_rows, plan_rows
from plans.importing.files import read_tables

from .small_plan import small_plan

pytestmark = pytest.mark.django_db


def test_the_reader_gets_the_cells_the_export_wrote():
    world = small_plan()
    tables = read_tables(io.BytesIO(export_plan_xlsx(world.plan)), filename="plan.xlsx")
    by_source = {table.source: table.rows for table in tables}
    assert by_source == {
        "Sheet 'Plan'": plan_rows(objectives_for_export(world.plan)),
        "Sheet 'About'": about_rows(world.plan),
    }


def test_an_undated_first_milestone_keeps_its_empty_line():
    world = small_plan()
    first_milestone = world.first.milestones.get(text="Campaign planned")
    first_milestone.due_date, first_milestone.due_text = None, ""
    first_milestone.save()
    first_milestone.leads.all().delete()
    plan_table = read_tables(io.BytesIO(export_plan_xlsx(world.plan)), filename="plan.xlsx")[0]
    heading = plan_table.rows[0]
    row = dict(zip(heading, plan_table.rows[1], strict=True))
    assert row["Milestones"] == "Campaign planned\nPartners briefed\nCampaign run"
    assert row["Milestone dates"] == "\n\n2014-11-30"
    assert row["Milestone leads"] == "\n\nJob title: Community Safety Team"


def test_control_characters_xml_cannot_hold_become_spaces_in_both_files():
    world = small_plan()
    world.plan.title = "Plan\x0bwith a Word line break"
    world.plan.save()
    world.first.title = "Support\x0bthe coordinator\x1b"
    world.first.save()
    world.first.milestones.filter(text="Campaign run").update(text="Campaign\x0crun")
    tables = read_tables(io.BytesIO(export_plan_xlsx(world.plan)), filename="plan.xlsx")
    plan_table, about = tables
    row = dict(zip(plan_table.rows[0], plan_table.rows[1], strict=True))
    assert row["Objective"] == "Support the coordinator"  # the one at the end dropped by the reader's strip
    assert row["Milestones"] == "Campaign planned\nPartners briefed\nCampaign run"
    assert about.rows[0] == ["Title", "Plan with a Word line break"]
    document = Document(io.BytesIO(export_plan_docx(world.plan)))
    assert document.paragraphs[0].text == "Plan with a Word line break"
    assert document.tables[0].rows[1].cells[1].paragraphs[0].text == "Support the coordinator "
