"""Lead cells as leads: every lead cell of the three real plans, our export's labelled form exactly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.importing.drafts import LeadDraft
from plans.importing.layout import KIND_LABELS, format_lead
from plans.importing.leads import parse_lead_cell


def lead(person="", title="", org="", group="", kind="lead") -> LeadDraft:
    return LeadDraft(person_name=person, job_title=title, organisation=org, group=group, kind=kind)


# Stevenage 2014/15, "Lead" column: agency abbreviation then officer, several per cell (paragraphs in the cell).
STEVENAGE = [
    ("SBC Alex Hepton", [lead("Alex Hepton", org="SBC")]),
    (
        "SBC Debbie Barker in conjunction with CCSU Sarah Taylor",
        [lead("Debbie Barker", org="SBC"), lead("Sarah Taylor", org="CCSU", kind="in_conjunction")],
    ),
    ("RAG Debbie Barker", [lead("Debbie Barker", group="RAG")]),
    (
        "Police Insp Simon Tabert & Probation Jon Cowen",
        [lead("Simon Tabert", "Insp", "Police"), lead("Jon Cowen", org="Probation")],
    ),
    (
        "Police NW Liaison\nPolice and SBC Licensing",
        [lead(title="NW Liaison", org="Police"), lead(org="Police"), lead(title="Licensing", org="SBC")],
    ),
    (
        "All partners, through communications teams when necessary.",
        [lead(title="through communications teams when necessary.", org="All partners")],
    ),
    ("Probation Jon Cowen", [lead("Jon Cowen", org="Probation")]),
    (
        "SBC Debbie Barker (in conjunction with CCSU Michael Nadasdy)",
        [lead("Debbie Barker", org="SBC"), lead("Michael Nadasdy", org="CCSU", kind="in_conjunction")],
    ),
    (
        "Police\nInsp Simon Tabert\n\nHFRS\nMark Burgess\n\nSBC\nDebbie Barker",
        [lead("Simon Tabert", "Insp", "Police"), lead("Mark Burgess", org="HFRS"), lead("Debbie Barker", org="SBC")],
    ),
    (
        "E&N Herts NHS Trust David Brewer\nStevenage Haven Frankie Packard",
        [lead("David Brewer", org="E&N Herts NHS Trust"), lead("Frankie Packard", org="Stevenage Haven")],
    ),
    ("SBC Licensing", [lead(title="Licensing", org="SBC")]),
    (
        "SBC Evert Robotham\n& Sarah Brewerton",
        [lead("Evert Robotham", org="SBC"), lead("Sarah Brewerton", org="SBC")],
    ),
    ("SBC Debbie Barker", [lead("Debbie Barker", org="SBC")]),
    ("SBC Evert Robotham & Sarah Brewerton", [lead("Evert Robotham", org="SBC"), lead("Sarah Brewerton", org="SBC")]),
    (
        "SBC Debbie Barker in conjunction with CCSU Sarah Taylor",
        [lead("Debbie Barker", org="SBC"), lead("Sarah Taylor", org="CCSU", kind="in_conjunction")],
    ),
    ("Police Insp Simon Tabert", [lead("Simon Tabert", "Insp", "Police")]),
    ("ODG (All)", [lead(group="ODG (All)")]),
    (
        "Police Insp Simon Tabert and Tara Adams-Cook",
        [lead("Simon Tabert", "Insp", "Police"), lead("Tara Adams-Cook", org="Police")],
    ),
    (
        "SBC Evert Robotham & Sarah Brewerton\n\nPolice ASB officers & Insp Simon Tabert",
        [
            lead("Evert Robotham", org="SBC"),
            lead("Sarah Brewerton", org="SBC"),
            lead(title="ASB officers", org="Police"),
            lead("Simon Tabert", "Insp", "Police"),
        ],
    ),
    (
        "SBC\nEvert Robotham\nSarah Brewerton\nDebbie Barker\nJim Archibald",
        [lead(name, org="SBC") for name in ("Evert Robotham", "Sarah Brewerton", "Debbie Barker", "Jim Archibald")],
    ),
    (
        "HFRS\nStation Commander\nBilly McGill\n\nPolice\nSgt James Moatt\n\nODG (All)",
        [
            lead(title="Station Commander", org="HFRS"),
            lead("Billy McGill", org="HFRS"),
            lead("James Moatt", "Sgt", "Police"),
            lead(group="ODG (All)"),
        ],
    ),
    (
        "HFRS Station Commander Billy McGill\nPolice Sgt James Moatt\nODG (All)",
        [
            lead("Billy McGill", "Station Commander", "HFRS"),
            lead("James Moatt", "Sgt", "Police"),
            lead(group="ODG (All)"),
        ],
    ),
    ("ODG (All)\n\nSue Waller (SBC)", [lead(group="ODG (All)"), lead("Sue Waller", org="SBC")]),
]

# East Herts 2008/09, "Lead agency" column: agencies, a group, commas; a working group in italics below.
EAST_HERTS = [
    ("EHC", [lead(org="EHC")]),
    ("EHC, Police", [lead(org="EHC"), lead(org="Police")]),
    ("Police", [lead(org="Police")]),
    ("JAG", [lead(group="JAG")]),
    ("Partnership", [lead(group="Partnership")]),
    ("Probation , Police", [lead(org="Probation"), lead(org="Police")]),
    ("Probation", [lead(org="Probation")]),
    ("IYSS", [lead(org="IYSS")]),
    ("EHC\nAlcohol and drugs working group", [lead(org="EHC"), lead(group="Alcohol and drugs working group")]),
    ("IYSS\nAlcohol and drugs working group", [lead(org="IYSS"), lead(group="Alcohol and drugs working group")]),
    ("", []),
]

# Hastings 2011-14, "Lead agency role:" column: roles in words.
HASTINGS = [
    ("Chaired by Police", [lead(title="Chair", org="Police")]),
    ("Chaired by Local Authority", [lead(title="Chair", org="Local Authority")]),
    (
        "Police initially - lead agency to depend on priority being addressed.",
        [lead(title="initially - lead agency to depend on priority being addressed.", org="Police")],
    ),
    ("Police", [lead(org="Police")]),
    ("CSSO", [lead(title="CSSO")]),
    ("Fire", [lead(org="Fire")]),
    ("Local Authority", [lead(org="Local Authority")]),
    ("Police Licensing team", [lead(org="Police Licensing team")]),
]

# Other plans' habits the issue names.
OTHER = [
    # Voluntary bodies named without an agency word of the statutory kind (homes, support, haven...).
    ("North Herts Homes", [lead(org="North Herts Homes")]),
    ("Victim Support", [lead(org="Victim Support")]),
    ("Stevenage Haven\nFrankie Packard", [lead("Frankie Packard", org="Stevenage Haven")]),
    ("Jane Smith, Victim Support", [lead("Jane Smith", org="Victim Support")]),
    (
        "Organisation: Anytown District Council / Jobholder title: Licensing Manager / Reporting officer: Sam Patel",
        [lead(title="Licensing Manager", org="Anytown District Council"), lead("Sam Patel", kind="reporting")],
    ),
    (
        "Sussex Police / Chief Inspector Eastbourne District / Reporting officer: Mark Smith",
        [lead(title="Chief Inspector Eastbourne District", org="Sussex Police"), lead("Mark Smith", kind="reporting")],
    ),
    ("Reporting officer: Sam Patel", [lead("Sam Patel", kind="reporting")]),
    ("Jane Smith - Community Safety Manager", [lead("Jane Smith", "Community Safety Manager")]),
    ("Jane Smith, Community Safety Manager", [lead("Jane Smith", "Community Safety Manager")]),
    ("Jane Smith (Stevenage Borough Council)", [lead("Jane Smith", org="Stevenage Borough Council")]),
    ("Hertfordshire Fire & Rescue Service", [lead(org="Hertfordshire Fire & Rescue Service")]),
    (
        "Community Safety Partnership supported by Sussex Police",
        [lead(group="Community Safety Partnership"), lead(org="Sussex Police", kind="in_conjunction")],
    ),
    (
        "Stevenage Borough Council with Hertfordshire Constabulary",
        [lead(org="Stevenage Borough Council"), lead(org="Hertfordshire Constabulary", kind="in_conjunction")],
    ),
    ("Head of Community Safety", [lead(title="Head of Community Safety")]),
    # Our pages' wording (`plans.rules.lead_label`), as the Word export writes it.
    (
        "Debbie Barker (SBC)\nSarah Taylor (CCSU) — in conjunction with",
        [lead("Debbie Barker", org="SBC"), lead("Sarah Taylor", org="CCSU", kind="in_conjunction")],
    ),
    (
        "Mark Smith, Community Safety Manager (SBC) — reporting officer",
        [lead("Mark Smith", "Community Safety Manager", "SBC", kind="reporting")],
    ),
    (
        "Jo Bloggs, Licensing Manager (Anytown District Council, Night Time Economy Group)",
        [lead("Jo Bloggs", "Licensing Manager", "Anytown District Council", "Night Time Economy Group")],
    ),
    (
        "Chief Inspector Eastbourne District (Sussex Police)",
        [lead(title="Chief Inspector Eastbourne District", org="Sussex Police")],
    ),
    (
        "David Brewer (E&N Herts NHS Trust)\nFrankie Packard (Stevenage Haven)",
        [lead("David Brewer", org="E&N Herts NHS Trust"), lead("Frankie Packard", org="Stevenage Haven")],
    ),
    ("Sam Patel (Licensing Manager)", [lead("Sam Patel", "Licensing Manager")]),
    ("Licensing Manager; Police", [lead(title="Licensing Manager"), lead(org="Police")]),
    (
        "Jane Smith / Community Safety Manager / Stevenage Borough Council",
        [lead("Jane Smith", "Community Safety Manager", "Stevenage Borough Council")],
    ),
    ("Police / SBC", [lead(org="Police"), lead(org="SBC")]),
    ("SBC NW Liaison", [lead(title="NW Liaison", org="SBC")]),
    ("Anytown ADC Licensing", [lead(title="Licensing", org="Anytown ADC")]),
    ("Community Safety Manager, SBC", [lead(title="Community Safety Manager", org="SBC")]),
    ("Jane Smith, Community Safety Manager, SBC", [lead("Jane Smith", "Community Safety Manager", "SBC")]),
    ("Jane Smith / John Doe", [lead("Jane Smith"), lead("John Doe")]),
    ("Night Time Economy Board", [lead(group="Night Time Economy Board")]),
    ("To be confirmed", [lead(title="To be confirmed")]),
]


@pytest.mark.parametrize(("cell", "expected"), STEVENAGE + EAST_HERTS + HASTINGS + OTHER, ids=lambda v: str(v)[:40])
def test_lead_cell_is_read_as_the_plan_means_it(cell, expected):
    assert parse_lead_cell(cell) == expected


def _words(text: str) -> set[str]:
    return {word.strip(".,;:()&/-—").lower() for word in text.split()} - {"", "and", "in", "conjunction", "with"}


@pytest.mark.parametrize(("cell", "expected"), STEVENAGE + EAST_HERTS + HASTINGS + OTHER, ids=lambda v: str(v)[:40])
def test_no_word_of_a_real_lead_cell_is_lost(cell, expected):
    kept = set()
    for found in parse_lead_cell(cell):
        kept |= _words(" ".join([found.person_name, found.job_title, found.organisation, found.group]))
    lost = _words(cell) - kept - {"chaired", "by", "supported", "reporting", "officer", "organisation", "jobholder"}
    lost -= {"title"}
    assert not lost


@pytest.mark.parametrize(
    "parts",
    [
        {"kind": "lead", "person_name": "Jane Smith", "job_title": "Community Safety Manager",
         "organisation": "Stevenage Borough Council", "group": "ODG"},
        {"kind": "reporting", "person_name": "Sam Patel"},
        {"kind": "in_conjunction", "organisation": "CCSU", "person_name": "Sarah Taylor"},
        {"kind": "lead", "job_title": "Licensing Manager", "organisation": "Anytown District Council"},
        {"kind": "lead", "group": "Alcohol and drugs working group"},
        {"kind": "lead", "organisation": "Fire & Rescue; Hertfordshire", "job_title": "Head of: Safety / Rescue"},
    ],
)  # fmt: skip
def test_our_labelled_lead_reads_back_exactly(parts):
    assert parse_lead_cell(format_lead(**parts)) == [LeadDraft(**parts)]


def test_several_labelled_leads_one_a_line_read_back_in_order():
    first = {"kind": "lead", "person_name": "Alex Hepton", "organisation": "SBC"}
    second = {"kind": "in_conjunction", "person_name": "Sarah Taylor", "organisation": "CCSU"}
    cell = "\n".join([format_lead(**first), format_lead(**second)])
    assert parse_lead_cell(cell) == [LeadDraft(**first), LeadDraft(**second)]


_VALUE = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30).map(
    str.strip
)


@given(
    kind=st.sampled_from(sorted(KIND_LABELS)),
    person_name=_VALUE,
    job_title=_VALUE,
    organisation=_VALUE,
    group=_VALUE,
)
def test_any_labelled_lead_without_separators_reads_back_exactly(kind, person_name, job_title, organisation, group):
    parts = {"person_name": person_name, "job_title": job_title, "organisation": organisation, "group": group}
    parts = {key: value for key, value in parts.items() if value and "; " not in value and ": " not in value}
    written = format_lead(kind=kind, **parts)
    expected = [LeadDraft(kind=kind, **parts)] if written else []
    assert parse_lead_cell(written) == expected


@given(st.text(max_size=200))
def test_any_cell_is_read_without_raising(cell):
    for found in parse_lead_cell(cell):
        assert found.kind in KIND_LABELS
