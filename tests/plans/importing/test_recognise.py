"""Which column holds what: heading rows found by the usual headings, continuations by width."""

from __future__ import annotations

import pytest

from plans.importing.drafts import FIELDS, RawTable
from plans.importing.layout import EXPORT_COLUMNS
from plans.importing.recognise import FIELD_CHOICES, IGNORE, heading_field, recognise
from tests.plans.importing import fixtures


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Ref", "ref"),
        ("No.", "ref"),
        ("Action No.", "ref"),
        ("JAG ref", "ref"),
        ("Objective", "title"),
        ("Objectives / aims", "title"),
        ("What we will do", "title"),
        ("Action:", "title"),
        ("Lead", "lead"),
        ("Lead officer", "lead"),
        ("Lead agency", "lead"),
        ("Lead Person/ Agency", "lead"),
        ("LEAD PERSON - AGENCY", "lead"),
        ("Who", "lead"),
        ("Lead agency role:", "lead"),
        ("By when", "due"),
        ("When by", "due"),
        ("Timescale", "due"),
        ("Target date", "due"),
        ("Completion Date", "due"),
        ("When", "due"),
        ("To be completed by:", "due"),
        ("Resources", "resources"),
        ("Resource", "resources"),
        ("Resources required:", "resources"),
        ("Resources/cost", "resources"),
        ("Cost", "cost"),
        ("Costs", "cost"),
        ("Budget", "cost"),
        ("Cost (£)", "cost"),
        ("Outcome", "outcomes"),
        ("Expected outcome", "outcomes"),
        ("Expected outcomes / outputs", "outcomes"),
        ("Success measure", "outcomes"),
        ("How will this be evaluated?", "outcomes"),
        ("Target", "target"),
        ("Target & Performance indicator", "target"),
        ("How will this activity be measured?", "target"),
        ("Milestones", "milestones"),
        ("Progress", "progress"),
        ("Update", "progress"),
        ("Update: 2008-2009", "progress"),
        ("Q1", "progress"),
        ("Quarter 4", "progress"),
        ("Action taken and progress (to be updated by lead officer each quarter)", "progress"),
        ("RAG", "rag_status"),
        ("Status", "rag_status"),
        ("Lead Action Group(s)", "lead_group"),
        ("Priority", "priority"),
        ("Theme", "theme"),
        ("Notes", None),
        ("Annual Review Date:", None),
        ("1.1", None),
        ("March 2015", None),
        ("", None),
    ],
)
def test_usual_headings_name_their_field(heading, field):
    assert heading_field(heading) == field


def test_every_heading_of_our_export_is_recognised_exactly():
    heading_row = [heading for _, heading in EXPORT_COLUMNS]
    [mapping] = recognise([RawTable(source="Sheet 'Plan'", rows=[heading_row, [""] * len(heading_row)])])
    assert mapping.header_row == 0
    assert mapping.columns == [key for key, _ in EXPORT_COLUMNS]


def test_actions_beside_an_objective_column_hold_the_actions():
    [mapping] = recognise([RawTable(source="Table 1", rows=[["Ref", "Objective", "Actions", "Lead"]])])
    assert mapping.columns == ["ref", "title", "actions", "lead"]


def test_actions_alone_hold_the_title():
    [mapping] = recognise([RawTable(source="Table 1", rows=[["No.", "Actions", "Who", "When"]])])
    assert mapping.columns == ["ref", "title", "lead", "due"]


def test_a_completion_date_beside_milestones_holds_the_milestones_dates():
    [mapping] = recognise([RawTable(source="Table 1", rows=fixtures.other_plan_tables()[0].rows)])
    assert mapping.header_row == 1
    assert mapping.columns == ["ref", "title", "milestones", "milestone_dates", "lead", "cost"]


def test_a_completion_date_away_from_milestones_is_the_objectives_date():
    rows = [["Ref", "Objective", "Completion date", "Lead", "Milestones"]]
    [mapping] = recognise([RawTable(source="Table 1", rows=rows)])
    assert mapping.columns == ["ref", "title", "due", "lead", "milestones"]


def test_stevenage_tables_are_recognised_with_the_unheaded_ref_column_and_the_split_table():
    mappings = recognise(fixtures.stevenage_tables())
    columns = ["ref", "title", "lead", "due", "resources", "outcomes", "progress"]
    assert [mapping.header_row for mapping in mappings] == [0, 3, None, 0, 1]
    assert mappings[0].columns == [*columns, "rag_status"]
    # Later pages print no "status" heading: that column is not read.
    assert [mapping.columns for mapping in mappings[1:]] == [[*columns, None]] * 4


def test_east_herts_tables_use_the_first_of_their_two_heading_rows():
    mappings = recognise(fixtures.east_herts_tables())
    assert {mapping.header_row for mapping in mappings} == {1}
    assert mappings[0].columns == [
        "ref", "title", "actions", "target", "lead", "lead_group", "progress", "progress", "progress", "progress"
    ]  # fmt: skip


def test_hastings_plan_table_is_recognised_and_its_summary_table_is_not():
    mappings = recognise(fixtures.hastings_tables())
    assert mappings[0].header_row is None
    assert mappings[0].columns == [None, None]
    for mapping in mappings[1:]:
        assert mapping.header_row == 0
        assert mapping.columns == ["title", "actions", "due", "lead", "resources", "target", "outcomes"]


def test_a_table_without_headings_of_another_width_is_not_a_continuation():
    first = RawTable(source="Table 1", rows=[["Ref", "Objective", "Lead"], ["1", "Do it", "SBC"]])
    other = RawTable(source="Table 2", rows=[["a", "b"], ["c", "d"]])
    mappings = recognise([first, other])
    assert mappings[1].header_row is None
    assert mappings[1].columns == [None, None]


def test_the_about_sheet_is_never_a_plan_table():
    about = RawTable(source="Sheet 'About'", rows=[["Title", "Action plan"], ["Period", "2014/15"]])
    previous = RawTable(source="Sheet 'Plan'", rows=[["Ref", "Objective"], ["1", "x"]])
    assert recognise([previous, about])[1].columns == [None, None]


def test_the_mapping_form_offers_every_field_and_ignore():
    assert FIELD_CHOICES[0] == (IGNORE, "Ignore this column")
    assert dict(FIELD_CHOICES[1:]) == FIELDS
