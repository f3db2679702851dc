"""The drafts the parser makes of the three real plans' tables are stored by the import service as they are."""

from __future__ import annotations

import datetime as dt

import pytest

from csp.models import Role
from plans.importing.parse import parse
from plans.importing.recognise import recognise
from plans.models import Objective, ObjectiveLead
from plans.services.importing import plan_import
from tests.plans.importing import fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(partnership, make_member):
    return make_member(partnership, Role.COORDINATOR)


def _draft(tables):
    return parse(tables, recognise(tables))


@pytest.mark.parametrize(
    ("tables", "objectives", "priorities"),
    [
        (fixtures.stevenage_tables, 10, 4),
        (fixtures.east_herts_tables, 10, 5),
        (fixtures.hastings_tables, 8, 5),
    ],
    ids=["stevenage", "east-herts", "hastings"],
)
def test_each_real_plans_draft_is_stored_without_an_error(partnership, coordinator, tables, objectives, priorities):
    draft = _draft(tables())
    result = plan_import(user=coordinator, partnership=partnership, draft=draft)
    assert result.errors == []
    plan = result.plan
    assert plan.title == draft.title
    assert plan.objectives.count() == objectives
    assert plan.priorities.count() == priorities


def test_stevenage_objective_stored_with_its_words_dates_and_leads(partnership, coordinator):
    plan = plan_import(user=coordinator, partnership=partnership, draft=_draft(fixtures.stevenage_tables())).plan
    objective = Objective.objects.get(plan=plan, ref="1.2")
    assert (objective.due_date, objective.due_text) == (None, "Summer 2014\nAs required.")
    assert objective.lead_text == "SBC Debbie Barker in conjunction with CCSU Sarah Taylor"
    assert objective.section.title == "Domestic abuse"
    leads = ObjectiveLead.objects.filter(objective=objective).select_related("person", "agency")
    assert [(lead.person.name, lead.agency.name, lead.kind) for lead in leads] == [
        ("Debbie Barker", "SBC", "lead"),
        ("Sarah Taylor", "CCSU", "in_conjunction"),
    ]
    assert Objective.objects.get(plan=plan, ref="3.3").due_date == dt.date(2015, 2, 28)
    assert list(Objective.objects.get(plan=plan, ref="1.1").outcomes.values_list("number", flat=True)) == [1, 2]


def test_parse_errors_stop_the_import_with_the_rows_named(partnership, coordinator):
    result = plan_import(user=coordinator, partnership=partnership, draft=_draft(fixtures.other_plan_tables()))
    assert result.plan is None
    assert "Row 5: the objective has no title" in result.errors
    assert "Row 7: the ref VC2 is used twice (also row 4)" in result.errors
