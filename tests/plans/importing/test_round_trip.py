"""Export -> import -> export is identical: the three demo plans through real files and the whole import path.

Each plan is exported to .xlsx, read by `files.read_tables`, recognised, parsed and stored as a new plan by
`plan_import`; the new plan's export has the same cells as the first: as a copy in the same partnership,
and (the workbooks compared cell by cell, both sheets, except About's Partnership row) in an EMPTY
partnership, where every organisation, group, person and priority is made anew (a small plan with what
the demo plans lack: tests/plans/exporting/test_round_trip.py). Our Word export (for publishing, not a
round-trip format) is read back with the same objectives, words and leads.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.db import transaction
from openpyxl import load_workbook

from csp.models import Role
from plans.demo import demo_load
from plans.exporting import export_plan_docx, export_plan_xlsx, objectives_for_export
from plans.exporting.cells import plan_rows
from plans.importing.drafts import LeadDraft
from plans.importing.files import read_tables
from plans.importing.layout import ABOUT_SHEET, PLAN_SHEET
from plans.importing.parse import parse
from plans.importing.recognise import recognise
from plans.models import Plan
from plans.services.importing import plan_import
from tests.factories import PartnershipFactory

SLUGS = ["stevenage", "east-herts", "hastings"]


@pytest.fixture(scope="module", autouse=True)
def loaded(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The demo loaded once for the module, inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


def _plan(slug: str) -> Plan:
    return Plan.objects.select_related("partnership").get(partnership__slug=slug)


def _draft(data: bytes, filename: str):
    tables = read_tables(io.BytesIO(data), filename=filename)
    return parse(tables, recognise(tables))


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SLUGS)
def test_export_import_export_gives_the_same_cells(slug, make_member):
    plan = _plan(slug)
    draft = _draft(export_plan_xlsx(plan), "plan.xlsx")
    assert not draft.has_errors
    assert (draft.title, draft.period_label) == (plan.title, plan.period_label)

    coordinator = make_member(plan.partnership, Role.COORDINATOR)
    result = plan_import(user=coordinator, partnership=plan.partnership, draft=draft, title=f"{plan.title} (copy)")

    assert result.errors == []
    assert plan_rows(objectives_for_export(result.plan)) == plan_rows(objectives_for_export(plan))


@pytest.mark.django_db
def test_our_word_export_reads_back_with_the_plans_objectives_and_leads():
    plan = _plan("stevenage")
    draft = _draft(export_plan_docx(plan), "plan.docx")
    assert not draft.has_errors
    assert [(o.ref, o.title) for o in draft.objectives] == [(o.ref, o.title) for o in objectives_for_export(plan)]
    by_ref = {objective.ref: objective for objective in draft.objectives}
    assert by_ref["1.2"].leads == [
        LeadDraft(person_name="Debbie Barker", organisation="SBC"),
        LeadDraft(person_name="Sarah Taylor", organisation="CCSU", kind="in_conjunction"),
    ]
    assert (by_ref["1.2"].due_date, by_ref["1.2"].due_text) == (None, "Summer 2014 / As required.")
    assert by_ref["1.2"].priority == "Domestic abuse"


# Into an empty partnership, the workbooks compared cell by cell ------------------------------------------


def _sheets(workbook_bytes: bytes) -> dict[str, list[list[str]]]:
    """Each sheet's cell values, row by row ('' for an empty cell); the About sheet without its Partnership row."""
    workbook = load_workbook(io.BytesIO(workbook_bytes), read_only=True)
    values = {
        sheet.title: [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }
    values[ABOUT_SHEET] = [row for row in values[ABOUT_SHEET] if row[0] != "Partnership"]
    return values


def _into_an_empty_partnership(workbook_bytes: bytes, make_member) -> Plan:
    draft = _draft(workbook_bytes, "plan.xlsx")
    assert not draft.has_errors
    partnership = PartnershipFactory()
    result = plan_import(
        user=make_member(partnership, Role.COORDINATOR),
        partnership=partnership,
        draft=draft,
        source_sha256="e" * 64,
        source_name="plan.xlsx",
    )
    assert result.errors == []
    return result.plan


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SLUGS)
def test_into_an_empty_partnership_the_workbook_exported_again_has_the_same_cells(slug, make_member):
    plan = _plan(slug)
    first = export_plan_xlsx(plan)

    copy = _into_an_empty_partnership(first, make_member)
    second = export_plan_xlsx(copy)

    before, after = _sheets(first), _sheets(second)
    assert list(after) == [PLAN_SHEET, ABOUT_SHEET]
    assert after[ABOUT_SHEET] == before[ABOUT_SHEET]
    assert len(after[PLAN_SHEET]) == len(before[PLAN_SHEET]) == plan.objectives.filter(archived_at=None).count() + 1
    for number, (row_before, row_after) in enumerate(zip(before[PLAN_SHEET], after[PLAN_SHEET], strict=True), 1):
        assert row_after == row_before, f"row {number}"


@pytest.mark.django_db
def test_into_an_empty_partnership_the_plan_is_a_draft_with_the_same_period(make_member):
    plan = _plan("hastings")

    copy = _into_an_empty_partnership(export_plan_xlsx(plan), make_member)

    assert copy.partnership != plan.partnership
    assert copy.status == Plan.Status.DRAFT
    assert (copy.title, copy.period_start, copy.period_end, copy.period_label) == (
        plan.title,
        plan.period_start,
        plan.period_end,
        plan.period_label,
    )
    assert copy.objectives.count() == plan.objectives.filter(archived_at=None).count()
