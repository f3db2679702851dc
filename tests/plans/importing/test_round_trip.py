"""Export -> import -> export is identical: the three demo plans through real files and the whole import path.

Each plan is exported to .xlsx, read by `files.read_tables`, recognised, parsed and stored as a new plan by
`plan_import`; the new plan's export has the same cells as the first. Our Word export (for publishing, not
a round-trip format) is read back with the same objectives, words and leads.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.db import transaction

from csp.models import Role
from plans.demo import demo_load
from plans.exporting import export_plan_docx, export_plan_xlsx, objectives_for_export
from plans.exporting.cells import plan_rows
from plans.importing.drafts import LeadDraft
from plans.importing.files import read_tables
from plans.importing.parse import parse
from plans.importing.recognise import recognise
from plans.models import Plan
from plans.services.importing import plan_import

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
