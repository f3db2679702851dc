"""Export -> import -> export gives the same workbook: the three demo plans read back into empty partnerships.

Every cell of both sheets is compared, except the About sheet's Partnership row (the plan now belongs to
another partnership).
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.db import transaction
from openpyxl import load_workbook
from plans.exporting import export_plan_xlsx
from plans.importing.parse import parse

from csp.models import Role
from plans.demo import demo_load
from plans.importing.files import read_tables
from plans.importing.layout import ABOUT_SHEET, PLAN_SHEET
from plans.importing.recognise import recognise
from plans.models import Plan
from plans.services.importing import plan_import
from tests.factories import PartnershipFactory
from tests.plans.exporting.small_plan import small_plan

pytestmark = pytest.mark.django_db

DEMO_PARTNERSHIPS = ["stevenage", "east-herts", "hastings"]


@pytest.fixture(scope="module", autouse=True)
def loaded(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The demo loaded once for the module, rolled back at its end (as tests/plans/test_demo_loader.py does)."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


def sheets(workbook_bytes: bytes) -> dict[str, list[list[str]]]:
    """Each sheet's cell values, row by row ('' for an empty cell); the About sheet without its Partnership row."""
    workbook = load_workbook(io.BytesIO(workbook_bytes), read_only=True)
    values = {
        sheet.title: [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }
    values[ABOUT_SHEET] = [row for row in values[ABOUT_SHEET] if row[0] != "Partnership"]
    return values


def reimported(workbook_bytes: bytes, *, user) -> Plan:
    tables = read_tables(io.BytesIO(workbook_bytes), filename="plan.xlsx")
    draft = parse(tables, recognise(tables))
    assert draft.errors == []
    assert [objective.errors for objective in draft.objectives if objective.errors] == []
    partnership = PartnershipFactory()
    result = plan_import(
        user=user(partnership), partnership=partnership, draft=draft, source_sha256="e" * 64, source_name="plan.xlsx"
    )
    assert result.errors == []
    return result.plan


@pytest.mark.parametrize("slug", DEMO_PARTNERSHIPS)
def test_a_demo_plan_exported_imported_and_exported_again_gives_the_same_cells(slug, make_member):
    plan = Plan.objects.get(partnership__slug=slug)
    first = export_plan_xlsx(plan)

    copy = reimported(first, user=lambda partnership: make_member(partnership, Role.COORDINATOR))
    second = export_plan_xlsx(copy)

    before, after = sheets(first), sheets(second)
    assert list(after) == [PLAN_SHEET, ABOUT_SHEET]
    assert after[ABOUT_SHEET] == before[ABOUT_SHEET]
    assert len(after[PLAN_SHEET]) == len(before[PLAN_SHEET]) == plan.objectives.filter(archived_at=None).count() + 1
    for number, (row_before, row_after) in enumerate(zip(before[PLAN_SHEET], after[PLAN_SHEET], strict=True), 1):
        assert row_after == row_before, f"row {number}"


def test_the_reimported_plan_is_a_draft_of_the_empty_partnership_with_the_same_period(make_member):
    plan = Plan.objects.get(partnership__slug="hastings")

    copy = reimported(export_plan_xlsx(plan), user=lambda partnership: make_member(partnership, Role.COORDINATOR))

    assert copy.partnership != plan.partnership
    assert copy.status == Plan.Status.DRAFT
    assert (copy.title, copy.period_start, copy.period_end, copy.period_label) == (
        plan.title,
        plan.period_start,
        plan.period_end,
        plan.period_label,
    )
    assert copy.objectives.count() == plan.objectives.filter(archived_at=None).count()


def test_a_plan_with_every_column_filled_reads_back_to_the_same_cells(make_member):
    """Milestones with and without dates, a milestone with two leads, costs as text and as amounts, leads of
    each kind, several priorities, a struck objective and a value starting with "=" (see small_plan)."""
    plan = small_plan(PartnershipFactory()).plan
    first = export_plan_xlsx(plan)

    copy = reimported(first, user=lambda partnership: make_member(partnership, Role.COORDINATOR))

    assert sheets(export_plan_xlsx(copy)) == sheets(first)
    assert copy.objectives.get(ref="1.1").milestones.count() == 3
