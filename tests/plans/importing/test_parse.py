"""Recognised tables as a plan draft: the three real plans' shapes field by field, and our export read back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.importing.drafts import LeadDraft, MilestoneDraft, OutcomeDraft, RawTable, SectionDraft, TableMapping
from plans.importing.layout import EXPORT_COLUMNS, format_lead
from plans.importing.parse import NO_OBJECTIVES, NO_TITLE_COLUMN, financial_year, parse
from plans.importing.recognise import recognise
from tests.plans.importing import fixtures


def parsed(tables: list[RawTable], **kwargs):
    return parse(tables, recognise(tables), **kwargs)


def by_ref(draft):
    return {objective.ref: objective for objective in draft.objectives}


# Stevenage 2014/15 ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stevenage():
    return parsed(fixtures.stevenage_tables())


def test_stevenage_plan_title_period_priorities_and_sections(stevenage):
    assert stevenage.title == "Stevenage Community Safety Partnership"
    assert stevenage.period_label == "2014/15"
    acquisitive = "Acquisitive crime (with a partnership focus on shoplifting, robbery, and theft from a person)"
    assert stevenage.priorities == [
        "Domestic abuse",
        acquisitive,
        "Violent crime, alcohol and drugs",
        "ASB, criminal damage",
    ]
    assert stevenage.sections == [
        SectionDraft(title="Domestic abuse", number="1", priority="Domestic abuse"),
        SectionDraft(title=acquisitive, number="2", priority=acquisitive),
        SectionDraft(title="Violent crime, alcohol and drugs", number="3", priority="Violent crime, alcohol and drugs"),
        SectionDraft(title="ASB, criminal damage", number="6", priority="ASB, criminal damage"),
    ]
    assert stevenage.errors == []
    assert not stevenage.has_errors


def test_stevenage_objectives_in_order_including_the_table_split_across_pages(stevenage):
    assert [(o.ref, o.source, o.row) for o in stevenage.objectives] == [
        ("1.1", "Table 1", 2),
        ("1.2", "Table 1", 4),
        ("1.3", "Table 1", 5),
        ("2.3", "Table 2", 5),
        ("2.4", "Table 3", 1),
        ("2.5", "Table 3", 2),
        ("3.2", "Table 4", 2),
        ("3.3", "Table 4", 3),
        ("6.2", "Table 5", 3),
        ("6.5", "Table 5", 4),
    ]
    assert [o.priority for o in stevenage.objectives[3:6]] == [stevenage.priorities[1]] * 3


def test_stevenage_1_1_field_by_field_with_its_progress_continued_on_the_next_page(stevenage):
    objective = by_ref(stevenage)["1.1"]
    assert objective.title == (
        "Support the work of the DA coordinator, strategy and action plan and ensure two way communications, in "
        "order to: continue awareness raising initiatives increase reporting decrease repeat offending."
    )
    assert objective.priority == "Domestic abuse"
    assert objective.section == "Domestic abuse"
    assert objective.theme == ""
    assert objective.actions == []
    assert objective.leads == [LeadDraft(person_name="Alex Hepton", organisation="SBC")]
    assert objective.lead_text == "SBC Alex Hepton"
    assert (objective.due_date, objective.due_text) == (dt.date(2015, 3, 31), "March 2015")
    assert objective.resources == "• Existing resources / officer time.\n• External funding streams."
    assert objective.outcomes == [
        OutcomeDraft(number=1, text="At least one campaign undertaken this year."),
        OutcomeDraft(
            number=2,
            text="20% annual decrease in offending by Stevenage perpetrators involved in Herts Change "
            "(after year one).",
        ),
    ]
    assert objective.progress == f"{fixtures.S_1_1_PROGRESS_PAGE_1}\n{fixtures.S_1_1_PROGRESS_PAGE_2}"
    assert objective.rag_status == "1.\n2."
    assert (objective.cost_amount, objective.cost_text, objective.target_and_indicator) == (None, "", "")
    assert objective.milestones == []
    assert objective.errors == []


def test_stevenage_aims_after_the_first_are_actions_and_dates_in_words_are_kept(stevenage):
    objective = by_ref(stevenage)["1.2"]
    assert objective.title == (
        "Improve information and data sharing in particular with Lister hospital, CCG and local GP surgeries."
    )
    assert objective.actions == ["Commission regular or ad hoc data analysis when required."]
    assert (objective.due_date, objective.due_text) == (None, "Summer 2014\nAs required.")
    assert objective.leads == [
        LeadDraft(person_name="Debbie Barker", organisation="SBC"),
        LeadDraft(person_name="Sarah Taylor", organisation="CCSU", kind="in_conjunction"),
    ]
    assert [outcome.number for outcome in objective.outcomes] == [1, 2]


def test_stevenage_numbered_outcomes_keep_their_numbers_and_targets_in_the_text(stevenage):
    objective = by_ref(stevenage)["3.2"]
    assert objective.outcomes == [
        OutcomeDraft(number=1, text="At least two operations / campaigns undertaken (summer and Christmas)."),
        OutcomeDraft(number=2, text="Annual 5% reduction in alcohol related violent crime."),
        OutcomeDraft(
            number=3,
            text="Multi agency action plan produced when necessary, for every problematic licensed establishment. "
            "100% discussed and agreed at ODG.",
        ),
    ]
    assert objective.actions == [
        "Work in conjunction with and support voluntary agencies like Street Pastors.",
        "Encourage corporate social responsibility by engaging with local appropriate partners for support / "
        "sponsorship.",
    ]
    assert objective.leads == [
        LeadDraft(person_name="Simon Tabert", job_title="Insp", organisation="Police"),
        LeadDraft(person_name="Mark Burgess", organisation="HFRS"),
        LeadDraft(person_name="Debbie Barker", organisation="SBC"),
    ]
    assert objective.lead_text == "Police\nInsp Simon Tabert\n\nHFRS\nMark Burgess\n\nSBC\nDebbie Barker"


def test_stevenage_leads_in_one_cell_and_a_labelled_aim(stevenage):
    objectives = by_ref(stevenage)
    assert objectives["3.3"].title == (
        "Project / campaign\nDevelop a multi-agency health awareness programme targeting schools/colleges "
        "regarding alcohol / drugs / healthy living."
    )
    assert objectives["3.3"].leads == [
        LeadDraft(person_name="David Brewer", organisation="E&N Herts NHS Trust"),
        LeadDraft(person_name="Frankie Packard", organisation="Stevenage Haven"),
    ]
    assert (objectives["3.3"].due_date, objectives["3.3"].due_text) == (dt.date(2015, 2, 28), "February 2015")
    assert [lead.person_name for lead in objectives["6.2"].leads] == [
        "Evert Robotham",
        "Sarah Brewerton",
        "Debbie Barker",
        "Jim Archibald",
    ]
    assert {lead.organisation for lead in objectives["6.2"].leads} == {"SBC"}
    assert objectives["2.4"].leads == [
        LeadDraft(organisation="All partners", job_title="through communications teams when necessary.")
    ]
    assert objectives["2.4"].lead_text == "All partners, through communications teams when necessary."


def test_stevenage_later_pages_without_a_status_heading_do_not_read_status(stevenage):
    assert by_ref(stevenage)["2.5"].rag_status == ""
    assert by_ref(stevenage)["2.5"].progress == "CAB on target. Stevenage related IOM quarterly figures not received."


# East Herts 2008/09 --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def east_herts():
    return parsed(fixtures.east_herts_tables())


def test_east_herts_title_period_and_sections_from_rows_spanning_the_table(east_herts):
    assert east_herts.title == "Community Safety Action Plan 2008-2009 - DRAFT"
    assert east_herts.period_label == "2008-2009"
    assert [(section.number, section.title) for section in east_herts.sections] == [
        ("1", "IMPROVE FEELINGS OF SAFETY BY REDUCING FEAR OF CRIME"),
        ("3", "REDUCE SERIOUS ACQUISITIVE CRIME"),
        ("4", "OFFENDER MANAGEMENT"),
        ("5", "YOUTH ENGAGEMENT"),
        ("7", "CROSS CUTTING THEME – ALCOHOL AND DRUGS"),
    ]
    assert east_herts.priorities == [section.title for section in east_herts.sections]
    assert [objective.ref for objective in east_herts.objectives] == [
        "1.1", "1.2", "1.4", "1.9", "3.1", "3.5", "4.1", "4.3", "5.2", "7.1"
    ]  # fmt: skip
    assert not east_herts.has_errors


def test_east_herts_bulleted_actions_lead_agencies_and_lead_groups(east_herts):
    objective = by_ref(east_herts)["1.9"]
    assert objective.title == (
        "Protect the community and ensure public safety from issues arising from the night time economy or "
        "individuals who misuse alcohol"
    )
    assert objective.actions == [
        "Provide additional enforcement of DPPOs through the accreditation scheme",
        "Provide taxi marshalling schemes as necessary",
        "Produce area based 'Night Safe Maps'",
    ]
    assert objective.leads == [LeadDraft(organisation="Police")]
    assert objective.lead_groups == ["Comms", "NTE", "Alcohol and drugs working group"]
    assert objective.section == objective.priority == "IMPROVE FEELINGS OF SAFETY BY REDUCING FEAR OF CRIME"
    assert objective.progress == ""  # the Quarter 1-4 columns are empty in the published plan
    assert objective.target_and_indicator == ""
    assert objective.row == 7


def test_east_herts_cells_as_published(east_herts):
    objectives = by_ref(east_herts)
    assert objectives["1.2"].leads == [LeadDraft(organisation="EHC"), LeadDraft(organisation="Police")]
    assert objectives["1.4"].leads == []
    assert objectives["1.4"].lead_text == ""
    assert objectives["1.4"].lead_groups == []  # "N/A"
    assert objectives["3.1"].title == (
        "Continue to achieve reductions in overall levels of Acquisitive crime – viz:\n• Vehicle Crime\n"
        "• Dwelling Burglary\n• Theft of high-value metals."
    )
    assert objectives["3.1"].actions == [
        "JAG to monitor and target crime trends, putting in place timely and appropriate interventions"
    ]
    assert objectives["3.1"].leads == [LeadDraft(group="Partnership")]
    assert objectives["3.1"].lead_groups == ["Assigned by JAG"]
    assert objectives["4.1"].leads == [LeadDraft(organisation="Probation"), LeadDraft(organisation="Police")]
    assert objectives["4.3"].actions == ["Referrals to:\nDIP\nHertsreach\nSova\nHousing providers\nLeisure\nETE"]
    assert objectives["5.2"].leads == [
        LeadDraft(organisation="EHC"),
        LeadDraft(group="Alcohol and drugs working group"),
    ]
    assert objectives["7.1"].priority == "CROSS CUTTING THEME – ALCOHOL AND DRUGS"
    assert objectives["7.1"].actions == [
        "Working group to implement actions to:\nImprove feelings of safety\nReduce ASB\n"
        "Reduce serious acquisitive crime and re-offending\nEngage with youth\nReduce serious violent crime"
    ]


# Hastings 2011-14 ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hastings():
    return parsed(fixtures.hastings_tables())


def test_hastings_title_period_and_every_plan_row_across_pages(hastings):
    assert hastings.title == "Hastings Borough Community Safety Partnership Plan"
    assert hastings.period_label == "2011 – 2014"
    assert [objective.title for objective in hastings.objectives] == [
        "JAG",
        "MATT",
        "Quality Streets",
        "Op Blitzed",
        "Communications",
        "Reduce the number of accidental dwelling fires and deliberate fires by 6% (LP4)",
        "Licensing (LP2&3)",
        "Increase reporting of domestic abuse incidents and reduce repeat victimisation (LP1)",
    ]
    assert {objective.ref for objective in hastings.objectives} == {""}
    assert not hastings.has_errors


def test_hastings_local_priorities_and_the_rows_tagged_with_them(hastings):
    assert hastings.priorities == [
        "Domestic Violence",
        "Alcohol Related Crime and Disorder",
        "Antisocial Behaviour",
        "Arson",
        "Hate Crime",
    ]
    tagged = {objective.title: objective.priority for objective in hastings.objectives if objective.priority}
    assert tagged == {
        "Reduce the number of accidental dwelling fires and deliberate fires by 6% (LP4)": "Arson",
        "Licensing (LP2&3)": "Alcohol Related Crime and Disorder\nAntisocial Behaviour",
        "Increase reporting of domestic abuse incidents and reduce repeat victimisation (LP1)": "Domestic Violence",
    }
    # "Addressing all local priorities, unless otherwise indicated": the others name none.
    assert [o.title for o in hastings.objectives if not o.priority] == [
        "JAG", "MATT", "Quality Streets", "Op Blitzed", "Communications"
    ]  # fmt: skip
    assert hastings.sections == []


def test_local_priorities_listed_one_a_row_with_the_label_merged_down():
    label = "Local Priorities (LP) identified through Joint Strategic Intelligence Assessment:"
    tables = [
        RawTable(source="Table 1", rows=[[label, "1. Domestic Violence"], [label, "2. Hate Crime"]]),
        RawTable(source="Table 2", rows=[["Plan details", "Action:"], ["Reporting (LP1 & LP2)", "Train staff"]]),
    ]
    draft = parsed(tables)
    assert draft.priorities == ["Domestic Violence", "Hate Crime"]
    assert draft.objectives[0].priority == "Domestic Violence\nHate Crime"


def test_hastings_columns_field_by_field(hastings):
    jag, matt, quality_streets, blitzed, communications, fires, licensing, domestic = hastings.objectives
    assert jag.actions == ["Re-launch structure and membership of JAG."]
    assert (jag.due_date, jag.due_text) == (dt.date(2011, 5, 31), "May 2011")
    assert jag.leads == [LeadDraft(organisation="Police", job_title="Chair")]
    assert jag.lead_text == "Chaired by Police"
    assert jag.resources == "Commitment of member organisations- Budget from ABG"
    assert jag.target_and_indicator == "Actions raised, delivered against and discharged"
    assert [outcome.text for outcome in jag.outcomes] == [
        "Auditable trail through notes of meetings and correspondence. Feedback from lead agency to discharge action.",
        "Feedback from Community Consultation activity as above.",
        "Specific crime figure reductions (see attached)",
    ]
    assert [outcome.number for outcome in jag.outcomes] == [1, 2, 3]
    assert matt.leads == [LeadDraft(organisation="Local Authority", job_title="Chair")]
    assert (quality_streets.due_date, quality_streets.due_text) == (None, "1 bi-monthly")
    assert blitzed.actions == [
        "Deployment of additional Police resources at peak ASB times; visiting ASB victims & undertaking "
        "licensing taskings",
        "Specific engagement with Targeted Youth Support for detached working.",
    ]
    assert (blitzed.due_date, blitzed.due_text) == (None, "ongoing")
    assert communications.leads == [LeadDraft(job_title="CSSO")]
    assert fires.leads == [LeadDraft(organisation="Fire")]
    assert [outcome.text for outcome in fires.outcomes] == ["Fire data", "Crime data"]
    assert licensing.leads == [LeadDraft(organisation="Police Licensing team")]
    assert domestic.actions == ["To reduce injury violence by 3%"]
    assert (domestic.due_date, domestic.due_text) == (dt.date(2012, 3, 31), "March 2012")
    assert domestic.target_and_indicator == "Report at JAG and quarterly Board meetings *"
    assert domestic.row == 4
    assert domestic.source == "Table 5"


# Another partnership's shape: milestones, completion dates, organisation / jobholder / reporting officer ----


@pytest.fixture(scope="module")
def other():
    return parsed(fixtures.other_plan_tables())


def test_milestones_are_matched_line_by_line_with_their_dates(other):
    assert other.title == "Anytown Community Safety Partnership Plan 2013/14"
    assert other.period_label == "2013/14"
    first = other.objectives[0]
    assert first.milestones == [
        MilestoneDraft(text="Recruit a licensing officer", due_date=dt.date(2013, 6, 30), due_text="30/06/2013"),
        MilestoneDraft(text="Launch the Best Bar None scheme"),
        MilestoneDraft(text="Review the late night levy", due_date=dt.date(2014, 3, 31), due_text="Q4"),
    ]
    assert first.leads == [
        LeadDraft(organisation="Anytown District Council", job_title="Licensing Manager"),
        LeadDraft(person_name="Sam Patel", kind="reporting"),
    ]
    assert (first.cost_amount, first.cost_text) == (Decimal(10000), "£10k")
    assert first.errors == []


def test_more_dates_than_milestones_is_an_error_on_that_row_only(other):
    second = other.objectives[1]
    assert second.errors == ["Row 4: there are more milestone dates (2) than milestones (1): put each date on the "
                             "line of its milestone"]  # fmt: skip
    assert second.milestones == [
        MilestoneDraft(text="Fund an IDVA", due_date=dt.date(2014, 3, 31), due_text="31 March 2014")
    ]
    assert (second.cost_amount, second.cost_text) == (None, "Within existing resources")
    assert second.leads == [LeadDraft(organisation="Sussex Police", job_title="Chief Inspector Eastbourne District")]


def test_missing_titles_and_refs_used_twice_are_errors_beside_their_rows(other):
    assert [(objective.row, objective.ref, objective.errors) for objective in other.objectives[2:]] == [
        (5, "VC1", ["Row 5: the objective has no title", "Row 5: the ref VC1 is used twice (also row 3)"]),
        (6, "VC3", ["Row 6: the objective has no title"]),
        (7, "VC2", ["Row 7: the ref VC2 is used twice (also row 4)"]),
    ]
    assert other.errors == []
    assert other.has_errors


def test_fewer_dates_than_milestones_leaves_the_rest_without_a_date():
    tables = [
        RawTable(
            source="Table 1",
            rows=[["Ref", "Objective", "Milestones", "Completion date"], ["1", "Do", "• a\n• b\n• c", "May 2014"]],
        )
    ]
    [objective] = parsed(tables).objectives
    assert [(m.text, m.due_date) for m in objective.milestones] == [
        ("a", dt.date(2014, 5, 31)),
        ("b", None),
        ("c", None),
    ]
    assert objective.errors == []


def test_a_row_repeating_the_ref_above_without_a_title_continues_it():
    tables = [
        RawTable(
            source="Table 1",
            rows=[
                ["Ref", "Objective", "Actions", "Lead"],
                ["CH1", "Reduce harm", "• First", "Police"],
                ["CH1", "", "• Second", "SBC"],
            ],
        )
    ]
    [objective] = parsed(tables).objectives
    assert objective.actions == ["First", "Second"]
    assert objective.lead_text == "Police\nSBC"
    assert objective.leads == [LeadDraft(organisation="Police"), LeadDraft(organisation="SBC")]


def test_a_row_whose_merged_cells_repeat_the_ref_and_title_above_continues_it_once():
    # A Word row split across a page with its ref, title and lead cells merged down: they repeat their text.
    tables = [
        RawTable(
            source="Table 1",
            rows=[
                ["Ref", "Objective", "Lead", "Progress"],
                [
                    "1.1",
                    "Support the DA coordinator",
                    "SBC Alex Hepton",
                    "Coordinator is now in place to organise case",
                ],
                ["1.1", "Support the DA coordinator", "SBC Alex Hepton", "management meetings"],
                ["1.2", "Improve data sharing", "SBC Alex Hepton", ""],
            ],
        )
    ]
    first, second = parsed(tables).objectives
    assert (first.title, first.lead_text) == ("Support the DA coordinator", "SBC Alex Hepton")
    assert first.progress == "Coordinator is now in place to organise case\nmanagement meetings"
    assert first.errors == []
    assert (second.ref, second.lead_text) == ("1.2", "SBC Alex Hepton")


def test_priority_theme_and_section_heading_rows_place_the_rows_below():
    width = ["Ref", "Objective", "Lead"]
    tables = [
        RawTable(
            source="Sheet 'Plan'",
            rows=[
                width,
                ["Priority 1: Reduce domestic abuse", "Priority 1: Reduce domestic abuse", ""],
                ["Theme: Repeat victims", "", ""],
                ["1.1", "Refer to MARAC", "Police"],
                ["Section 2: Support", "", ""],
                ["1.2", "Fund IDVAs", "SBC"],
                ["Strategic priority: Reduce ASB", "", ""],
                ["2.1", "Patrol hot spots", "Police"],
            ],
            row_numbers=[1, 2, 3, 4, 5, 6, 7, 8],
        )
    ]
    draft = parsed(tables)
    assert [(o.ref, o.priority, o.section, o.theme) for o in draft.objectives] == [
        ("1.1", "Reduce domestic abuse", "Reduce domestic abuse", "Repeat victims"),
        ("1.2", "Reduce domestic abuse", "Support", "Repeat victims"),
        ("2.1", "Reduce ASB", "Reduce ASB", "Repeat victims"),
    ]
    assert draft.priorities == ["Reduce domestic abuse", "Reduce ASB"]
    assert draft.sections == [
        SectionDraft(title="Reduce domestic abuse", number="1", priority="Reduce domestic abuse"),
        SectionDraft(title="Support", number="2", priority="Reduce domestic abuse"),
        SectionDraft(title="Reduce ASB", priority="Reduce ASB"),
    ]


def test_a_continued_cell_that_reads_like_a_heading_is_kept():
    tables = [
        RawTable(
            source="Table 1",
            rows=[
                ["Ref", "Objective", "By when", "Progress"],
                ["1.1", "Hold a conference", "", "Venue booked."],
                ["", "", "Q3", "Update: speakers confirmed"],
                ["Ref", "Objective", "By when", "Progress"],
                ["1.2", "Run a campaign", "March 2015", ""],
            ],
        )
    ]
    first, second = parsed(tables, title="Action plan 2014/15").objectives
    assert (first.due_text, first.due_date) == ("Q3", dt.date(2014, 12, 31))
    assert first.progress == "Venue booked.\nUpdate: speakers confirmed"
    assert second.ref == "1.2"


def test_a_note_across_the_table_is_neither_a_heading_nor_an_objective():
    tables = [
        RawTable(
            source="Table 1",
            rows=[
                ["Ref", "Objective", "Lead"],
                ["2. Acquisitive crime", "2. Acquisitive crime", "2. Acquisitive crime"],
                ["Lead Agency: Police", "Lead Agency: Police", "Lead Agency: Police"],
                ["", "Indicators: serious acquisitive crime", "Indicators: serious acquisitive crime"],
                ["2.1", "Reduce shoplifting", "Police"],
            ],
        )
    ]
    draft = parsed(tables)
    assert [(o.ref, o.title, o.priority) for o in draft.objectives] == [
        ("2.1", "Reduce shoplifting", "Acquisitive crime")
    ]


def test_a_word_tables_headings_before_set_the_priority():
    tables = [
        RawTable(
            source="Table 1",
            rows=[["No.", "What we will do", "Who"], ["1", "Hold a conference", "SBC"]],
            headings_before=["Safer Anytown Partnership 2015/16", "Priority 1: Reduce domestic abuse"],
        )
    ]
    draft = parsed(tables, title="Uploaded plan")
    assert (draft.title, draft.period_label) == ("Uploaded plan", "2015/16")
    assert draft.objectives[0].priority == "Reduce domestic abuse"
    assert draft.priorities == ["Reduce domestic abuse"]


def test_a_bare_quarter_is_dated_in_the_plans_one_year_period():
    tables = [RawTable(source="Table 1", rows=[["Ref", "Objective", "By when"], ["1", "Do", "Quarter 3"]])]
    assert parsed(tables, title="Action plan 2014/15").objectives[0].due_date == dt.date(2014, 12, 31)
    assert parsed(tables, title="Plan 2011 - 2014").objectives[0].due_date is None


def test_financial_year_of_a_period():
    assert [financial_year(label) for label in ("2014/15", "2008-2009", "2011 – 2014", "1999/00", "")] == [
        2014,
        2008,
        None,
        1999,
        None,
    ]


def test_no_column_holding_the_objective_is_a_file_error():
    tables = [RawTable(source="Table 1", rows=[["Lead", "By when"], ["SBC", "May 2014"]])]
    draft = parsed(tables)
    assert draft.errors == [NO_TITLE_COLUMN]
    assert draft.objectives == []


def test_a_table_with_headings_but_no_rows_says_no_objectives_were_found():
    draft = parsed([RawTable(source="Table 1", rows=[["Ref", "Objective"]])])
    assert draft.errors == [NO_OBJECTIVES]


def test_errors_name_the_table_when_the_plan_has_several():
    tables = [
        RawTable(source="Table 1", rows=[["Ref", "Objective"], ["1", "A"]]),
        RawTable(source="Table 2", rows=[["Ref", "Objective", "Lead"], ["1", "", "SBC"]]),
    ]
    [_, second] = parsed(tables).objectives
    assert second.errors == [
        "Row 2 of Table 2: the objective has no title",
        "Row 2 of Table 2: the ref 1 is used twice (also row 2 of Table 1)",
    ]


def test_a_user_corrected_mapping_is_what_is_read():
    table = RawTable(source="Table 1", rows=[["Item", "Description", "Owner"], ["A", "Do it", "SBC"]])
    mapping = TableMapping(source="Table 1", header_row=0, columns=["ref", "title", "lead"])
    [objective] = parse([table], [mapping]).objectives
    assert (objective.ref, objective.title, objective.leads) == ("A", "Do it", [LeadDraft(organisation="SBC")])


# Our export read back ------------------------------------------------------------------------------------

EXPORT_HEADING = [heading for _, heading in EXPORT_COLUMNS]


def export_tables(*rows: dict[str, str], about: dict[str, str] | None = None) -> list[RawTable]:
    plan = RawTable(
        source="Sheet 'Plan'",
        rows=[EXPORT_HEADING, *([row.get(key, "") for key, _ in EXPORT_COLUMNS] for row in rows)],
        row_numbers=list(range(1, len(rows) + 2)),
    )
    about_rows = about or {"Title": "Action plan", "Period": "2014/15"}
    return [plan, RawTable(source="Sheet 'About'", rows=[[label, value] for label, value in about_rows.items()])]


def test_our_export_reads_back_exactly():
    leads = [
        {"kind": "lead", "person_name": "Debbie Barker", "job_title": "Community Safety Manager",
         "organisation": "Stevenage Borough Council"},
        {"kind": "in_conjunction", "person_name": "Sarah Taylor", "organisation": "County Community Safety Unit"},
        {"kind": "reporting", "job_title": "Head of Community Safety", "group": "Operational Delivery Group"},
        {"kind": "lead", "organisation": "Hertfordshire Constabulary"},
    ]  # fmt: skip
    row = {
        "priority": "Domestic abuse\nAlcohol related crime",
        "section": "Domestic abuse",
        "theme": "Repeat victims",
        "ref": "1.2",
        "title": "Improve information and data sharing, in particular with Lister hospital",
        "actions": "• Commission data analysis\n• Share data with GPs:\nmonthly, by e-mail\n• 1. A numbered action",
        "lead": "\n".join(format_lead(**lead) for lead in leads),
        "lead_group": "ODG\nComms, NTE and Licensing",
        "due": "Summer 2014 / As required.",
        "resources": "Existing resources / officer time.\nPolice data analysis",
        "cost": "1500.00",
        "outcomes": "1. Quarterly reports received from health\n2. 20% fewer repeat victims\nby March 2015",
        "target": "Indicators: domestic abuse crimes per 1000 head of population",
        "milestones": "Recruit an analyst\nFirst report to RAG\n1. Second report",
        "milestone_dates": "2014-06-30\n\nQuarter 3",
        "milestone_leads": format_lead(kind="lead", person_name="Debbie Barker")
        + " | "
        + format_lead(kind="lead", organisation="County Community Safety Unit")
        + "\n"
        + format_lead(kind="reporting", job_title="Analyst"),
    }
    second = {"ref": "1.3", "title": "Monitor the DHR action plan", "due": "2015-03-31", "cost": "TBC"}
    draft = parsed(export_tables(row, second, about={"Title": "Action plan 2014/15", "Period": "2014/15"}))

    assert (draft.title, draft.period_label, draft.errors) == ("Action plan 2014/15", "2014/15", [])
    first, other = draft.objectives
    assert first.priority == "Domestic abuse\nAlcohol related crime"
    assert (first.section, first.theme, first.ref) == ("Domestic abuse", "Repeat victims", "1.2")
    assert first.title == row["title"]
    assert first.actions == [
        "Commission data analysis",
        "Share data with GPs:\nmonthly, by e-mail",
        "1. A numbered action",
    ]
    assert first.leads == [LeadDraft(**lead) for lead in leads]
    assert first.lead_text == row["lead"]
    assert first.lead_groups == ["ODG", "Comms, NTE and Licensing"]
    assert (first.due_date, first.due_text) == (None, "Summer 2014 / As required.")
    assert first.resources == row["resources"]
    assert (first.cost_amount, first.cost_text) == (Decimal("1500.00"), "")
    assert first.outcomes == [
        OutcomeDraft(number=1, text="Quarterly reports received from health"),
        OutcomeDraft(number=2, text="20% fewer repeat victims\nby March 2015"),
    ]
    assert first.target_and_indicator == row["target"]
    assert first.milestones == [
        MilestoneDraft(
            text="Recruit an analyst",
            due_date=dt.date(2014, 6, 30),
            leads=[
                LeadDraft(person_name="Debbie Barker"),
                LeadDraft(organisation="County Community Safety Unit"),
            ],
            lead_text=row["milestone_leads"].splitlines()[0],
        ),
        MilestoneDraft(
            text="First report to RAG",
            leads=[LeadDraft(job_title="Analyst", kind="reporting")],
            lead_text="Kind: Reporting officer; Job title: Analyst",
        ),
        MilestoneDraft(text="1. Second report", due_date=dt.date(2014, 12, 31), due_text="Quarter 3"),
    ]
    assert first.errors == []
    assert (other.due_date, other.due_text, other.cost_amount, other.cost_text) == (
        dt.date(2015, 3, 31),
        "",
        None,
        "TBC",
    )
    assert draft.priorities == ["Domestic abuse", "Alcohol related crime"]
    assert draft.sections == [SectionDraft(title="Domestic abuse", priority="Domestic abuse")]


_LINE = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40).filter(
    lambda text: text.strip() == text and text
)
_ITEM = _LINE.filter(lambda text: not text.startswith("• "))
_LEAD = st.builds(
    dict,
    kind=st.sampled_from(["lead", "in_conjunction", "reporting"]),
    person_name=_LINE.filter(lambda text: "; " not in text and ": " not in text),
    organisation=_LINE.filter(lambda text: "; " not in text and ": " not in text),
)


@settings(max_examples=60, deadline=None)
@given(
    title=st.text(min_size=1, max_size=80).filter(str.strip),
    actions=st.lists(_ITEM, max_size=4),
    outcomes=st.lists(_LINE, max_size=4),
    milestones=st.lists(st.tuples(_LINE, st.one_of(st.none(), st.dates(min_value=dt.date(1990, 1, 1)))), max_size=4),
    leads=st.lists(_LEAD, max_size=3),
    resources=st.text(max_size=60),
    due=st.one_of(st.none(), st.dates(min_value=dt.date(1990, 1, 1))),
)
def test_any_exported_row_reads_back_to_the_same_values(title, actions, outcomes, milestones, leads, resources, due):
    row = {
        "ref": "1.1",
        "title": title,
        "actions": "\n".join(f"• {action}" for action in actions),
        "outcomes": "\n".join(f"{number}. {text}" for number, text in enumerate(outcomes, start=1)),
        "milestones": "\n".join(text for text, _ in milestones),
        "milestone_dates": "\n".join(date.isoformat() if date else "" for _, date in milestones).rstrip("\n"),
        "lead": "\n".join(format_lead(**lead) for lead in leads),
        "resources": resources,
        "due": due.isoformat() if due else "",
    }
    [objective] = parsed(export_tables(row)).objectives
    assert objective.title == title
    assert objective.actions == actions
    assert [(outcome.number, outcome.text) for outcome in objective.outcomes] == list(enumerate(outcomes, start=1))
    assert [(m.text, m.due_date, m.due_text) for m in objective.milestones] == [(t, d, "") for t, d in milestones]
    assert objective.leads == [LeadDraft(**lead) for lead in leads]
    assert objective.resources == (resources if resources.strip() else "")
    assert (objective.due_date, objective.due_text) == (due, "")
    assert objective.errors == []


_CELL = st.one_of(
    st.sampled_from(["", "Ref", "Objective", "Actions", "Lead", "By when", "Milestones", "Completion date", "1.1",
                     "• a\n• b", "1. x\n2. y", "Priority 1: P", "Theme: T", "Q3", "£10k", "\n", "SBC Jo Bloggs"]),
    st.text(max_size=30),
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.integers(min_value=1, max_value=6).flatmap(
            lambda width: st.lists(st.lists(_CELL, min_size=width, max_size=width), min_size=0, max_size=8)
        ),
        min_size=1,
        max_size=3,
    )
)
def test_any_tables_are_read_without_raising(tables_rows):
    tables = [RawTable(source=f"Table {n}", rows=rows) for n, rows in enumerate(tables_rows, start=1)]
    draft = parsed(tables)
    assert draft.errors or draft.objectives


def test_an_unmarked_line_after_bulleted_outcomes_continues_the_last_one():
    tables = [
        RawTable(
            source="Table 1",
            rows=[
                ["Ref", "Objective", "Expected outcomes"],
                ["1", "Do", "• At least one campaign undertaken this year.\n• 20% annual decrease"],
                ["", "", "in offending."],
            ],
        )
    ]
    [objective] = parsed(tables).objectives
    assert objective.outcomes == [
        OutcomeDraft(number=1, text="At least one campaign undertaken this year."),
        OutcomeDraft(number=2, text="20% annual decrease\nin offending."),
    ]
