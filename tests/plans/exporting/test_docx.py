"""The Word export: landscape A4, the plan title, per section a heading and a table with a repeated header row."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from plans.exporting import export_plan_docx
from plans.exporting.word import COLUMNS
from tests.factories import PlanFactory

from .small_plan import plan_with_objectives, small_plan

pytestmark = pytest.mark.django_db

HEADINGS = [heading for heading, _width in COLUMNS]


def _document(plan):
    return Document(io.BytesIO(export_plan_docx(plan)))


def _cells(row) -> list[str]:
    return [cell.text for cell in row.cells]


def test_landscape_a4():
    page = _document(small_plan().plan).sections[0]
    assert page.orientation == WD_ORIENT.LANDSCAPE
    assert (round(page.page_width.mm), round(page.page_height.mm)) == (297, 210)


def test_page_numbers_in_the_footer_and_column_widths_in_the_grid():
    document = _document(small_plan().plan)
    footer = document.sections[0].footer.paragraphs[0]
    assert footer.text == "Page  of "  # the numbers are fields Word fills in
    assert [code.text for code in footer._p.iter(qn("w:instrText"))] == [" PAGE ", " NUMPAGES "]
    grid = document.tables[0]._tbl.tblGrid
    assert [round(column.w.mm) for column in grid.gridCol_lst] == [width for _heading, width in COLUMNS]


def test_title_and_section_headings_in_order():
    document = _document(small_plan().plan)
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name in ("Title", "Heading 1")]
    assert headings == [
        ("Title", "Action plan 2014/15"),
        ("Heading 1", "1 Domestic abuse"),
        ("Heading 1", "2 ASB, criminal damage"),
    ]
    texts = [p.text for p in document.paragraphs]
    assert "Stevenage Community Safety Partnership. 2014/15: 1 April 2014 to 31 March 2015." in texts
    assert not [text for text in texts if text.startswith("Priority:")]  # the headings name them already


def test_a_section_named_otherwise_names_its_priority():
    world = small_plan()
    world.first.section.title = "Keeping people safe at home"
    world.first.section.save()
    texts = [p.text for p in _document(world.plan).paragraphs]
    assert texts[texts.index("1 Keeping people safe at home") + 1] == "Priority: 1 Domestic abuse"


def test_one_table_per_section_with_a_repeated_header_row():
    document = _document(small_plan().plan)
    assert len(document.tables) == 2
    for table in document.tables:
        header = table.rows[0]
        assert _cells(header) == HEADINGS
        flags = header._tr.trPr.findall(qn("w:tblHeader"))
        assert [flag.get(qn("w:val")) for flag in flags] == ["true"]
        assert all(not row._tr.trPr.findall(qn("w:tblHeader")) for row in table.rows[1:] if row._tr.trPr is not None)
    assert [_cells(row)[0] for row in document.tables[1].rows[1:]] == ["2.1", "2.2"]  # 2.3 is archived


def test_the_full_objective_row():
    row = _document(small_plan().plan).tables[0].rows[1]
    ref, aim, lead, when, resources, outcomes, milestones = row.cells
    assert ref.text == "1.1"
    assert [(p.text, p.style.name) for p in aim.paragraphs] == [
        ("Support the work of the DA coordinator", "Normal"),
        ("Continue awareness raising.", "List Bullet"),
        ("Run a campaign in November.", "List Bullet"),
    ]
    assert aim.paragraphs[0].runs[0].bold
    assert [p.text for p in lead.paragraphs] == [
        "Alex Hepton (SBC)",
        "Chief Inspector (Police) — in conjunction with",
        "Michael Nadasdy (JAG) — reporting officer",
        "Probation Service",
        "ODG",
    ]
    assert when.text == "March 2015"
    assert [p.text for p in resources.paragraphs] == [
        "Existing resources / officer time.",
        "External funding streams.",
        "Cost: £1,500.00",
    ]
    assert [p.text for p in outcomes.paragraphs] == [
        "1. At least one campaign undertaken this year.",
        "2. 20% annual increase in reporting.",
    ]
    assert [(p.text, p.style.name) for p in milestones.paragraphs] == [
        ("Campaign planned (by September 2014; lead: Alex Hepton (SBC); ODG — in conjunction with)", "List Bullet"),
        ("Partners briefed", "List Bullet"),
        ("Campaign run (by 30 November 2014; lead: Community Safety Team)", "List Bullet"),
    ]


def test_text_leads_dates_and_a_struck_objective():
    rows = _document(small_plan().plan).tables[1].rows
    second, struck = (_cells(row) for row in rows[1:])
    assert second[2] == "ODG (All)"
    assert second[3] == "Ongoing"
    assert second[4] == "Cost: Officer time"
    assert struck[1] == "Run Operation Marble\nStruck from the plan on 1 July 2014: The police ended the operation."
    assert struck[3] == "30 June 2014"


def test_a_plan_without_objectives_says_so():
    document = _document(PlanFactory())
    assert not document.tables
    assert "This plan has no objectives yet." in [p.text for p in document.paragraphs]


@pytest.mark.parametrize("count", [1, 10])
def test_queries_do_not_grow_with_the_objectives(django_assert_max_num_queries, count):
    plan = plan_with_objectives(count)
    with django_assert_max_num_queries(10):
        export_plan_docx(plan)
