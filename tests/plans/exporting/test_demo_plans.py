"""The three real plans (the demo data) exported; the values checked are the published plans' words (as in their text
renderings, which live outside the repository, so are not read here)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from django.db import transaction
from docx import Document
from openpyxl import load_workbook

from plans.demo import DEMO_DATA_DIR, demo_load
from plans.exporting import export_plan_docx, export_plan_xlsx
from plans.importing.layout import EXPORT_COLUMNS
from plans.models import Plan

pytestmark = pytest.mark.django_db

DEMO_FILES = {
    "stevenage": "stevenage_2014_15.json",
    "east-herts": "east_herts_2008_09.json",
    "hastings": "hastings_2011_14.json",
}


@pytest.fixture(scope="module", autouse=True)
def loaded(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Load the demo once for the module inside a transaction rolled back at its end (as test_demo_loader does)."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


def _plan(slug: str) -> Plan:
    return Plan.objects.select_related("partnership").get(partnership__slug=slug)


def _rows(slug: str) -> dict[str, dict[str, str]]:
    """The Plan sheet's rows by ref (or title where the plan gives no ref), each by field key."""
    sheet = load_workbook(io.BytesIO(export_plan_xlsx(_plan(slug))))["Plan"]
    rows = {}
    for values in sheet.iter_rows(min_row=2, values_only=True):
        row = {key: value or "" for (key, _heading), value in zip(EXPORT_COLUMNS, values, strict=True)}
        rows[row["ref"] or row["title"]] = row
    return rows


@pytest.mark.parametrize("slug", list(DEMO_FILES))
def test_one_row_per_objective_of_the_plan_in_its_order(slug):
    document = json.loads((DEMO_DATA_DIR / DEMO_FILES[slug]).read_text())
    expected = [o.get("ref") or o["title"] for section in document["sections"] for o in section["objectives"]]
    assert list(_rows(slug)) == expected


def test_stevenage_against_the_published_plan():
    rows = _rows("stevenage")
    first = rows["1.1"]
    assert first["priority"] == first["section"] == "Domestic abuse"
    assert first["lead"] == "Person: Alex Hepton; Organisation: Stevenage Borough Council"
    assert first["due"] == "March 2015"
    assert first["resources"] == "Existing resources / officer time.\nExternal funding streams."
    assert first["outcomes"].splitlines()[0] == "1. At least one campaign undertaken this year."
    assert rows["3.1"]["lead"] == (
        "Person: Debbie Barker; Organisation: Stevenage Borough Council\n"
        "Kind: In conjunction with; Person: Michael Nadasdy; Organisation: County Community Safety Unit (Hertfordshire)"
    )
    assert rows["3.1"]["due"] == "Summer 2014"


def test_east_herts_against_the_published_plan():
    rows = _rows("east-herts")
    first = rows["1.1"]
    assert first["actions"] == (
        "• Advertise the partnership logo on media of choice\n"
        "• Publish press releases in Link Magazine\n"
        "• Publish stories in partnership newsletters/magazines where necessary"
    )
    assert first["lead_group"] == "Partnership Communications Group"
    # The cross-cutting section is for the 'Alcohol and drugs' priority: the priority column names it.
    assert rows["7.1"]["section"] == "CROSS CUTTING THEME – ALCOHOL AND DRUGS"
    assert rows["7.1"]["priority"] == "Alcohol and drugs"


def test_hastings_against_the_published_plan():
    rows = _rows("hastings")
    jag = rows["JAG"]
    assert (jag["title"], jag["due"], jag["lead"], jag["lead_group"]) == (
        "JAG",
        "May 2011",
        "Organisation: Sussex Police",
        "Joint Action Group",
    )
    assert jag["actions"] == "• Re-launch structure and membership of JAG."
    assert jag["priority"] == ""  # addresses all the plan's priorities: none named
    tensions = rows["Monitor community tensions in line with the PREVENT Agenda"]
    assert tensions["priority"] == "Hate Crime"  # "(LP5)" in the published plan
    assert tensions["due"] == "Ongoing"


def test_the_stevenage_word_document():
    document = Document(io.BytesIO(export_plan_docx(_plan("stevenage"))))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "1 Domestic abuse"
    assert len(headings) == len(document.tables) == 6
    first = [cell.text for cell in document.tables[0].rows[1].cells]
    assert first[0] == "1.1"
    assert first[1].startswith("Support the work of the DA coordinator")
    assert first[2] == "Alex Hepton (SBC)"
    assert first[3] == "March 2015"
    assert first[4] == "Existing resources / officer time.\nExternal funding streams."
    assert sum(len(table.rows) - 1 for table in document.tables) == 27
