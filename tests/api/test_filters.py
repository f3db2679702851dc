"""List filters: this quarter's status, overdue items, updates by period, state and status."""

from __future__ import annotations

import datetime as dt

import pytest

from plans.models import QuarterlyUpdate
from tests.factories import MilestoneFactory, ObjectiveFactory, QuarterFactory, QuarterlyUpdateFactory

pytestmark = pytest.mark.django_db


def refs(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["ref"] for row in response.json()["results"]}


@pytest.fixture
def viewer(api_as):
    return api_as("viewer")


@pytest.mark.parametrize(
    ("state", "expected"),
    [("submitted", "red"), ("approved", "red"), ("draft", "no_update"), ("returned", "no_update")],
)
def test_this_quarters_status_counts_only_submitted_or_approved_updates(state, expected, world, viewer):
    red = ObjectiveFactory(plan=world.plan, ref="R1")
    QuarterlyUpdateFactory(objective=red, period=world.period, rag_status="red", state=state)

    assert "R1" in refs(viewer.get("/api/objectives/", {"status": expected}))
    assert viewer.get(f"/api/objectives/{red.pk}/").json()["current_status"] == expected


def test_an_objective_without_an_update_this_quarter_has_no_update(world, viewer):
    ObjectiveFactory(plan=world.plan, ref="N1")

    assert "N1" in refs(viewer.get("/api/objectives/", {"status": "no_update"}))
    assert "N1" not in refs(viewer.get("/api/objectives/", {"status": "amber"}))


def test_overdue_lists_active_objectives_past_due_or_with_a_late_milestone(world, viewer):
    ObjectiveFactory(plan=world.plan, ref="LATE", due_date=dt.date(2015, 3, 31))
    ObjectiveFactory(plan=world.plan, ref="FUTURE", due_date=dt.date.today() + dt.timedelta(days=30))
    with_milestone = ObjectiveFactory(plan=world.plan, ref="MS", due_date=None)
    MilestoneFactory(objective=with_milestone, due_date=dt.date(2014, 9, 30), completed_on=None)

    overdue = refs(viewer.get("/api/objectives/", {"overdue": "true", "plan": world.plan.pk, "page_size": 200}))

    assert {"LATE", "MS"} <= overdue
    assert "FUTURE" not in overdue


def test_objectives_filter_by_lead_officer(world, viewer):
    ObjectiveFactory(plan=world.plan, ref="OTHER")

    assert refs(viewer.get("/api/objectives/", {"lead_officer": world.person.pk})) == {world.objective.ref}


def test_updates_filter_by_period_state_and_status(world, viewer):
    q2 = QuarterFactory(partnership=world.partnership, number=2)
    QuarterlyUpdateFactory(objective=world.objective, period=q2, rag_status="green", state=QuarterlyUpdate.State.DRAFT)

    response = viewer.get("/api/updates/", {"period": q2.pk, "state": "draft", "status": "green"})

    assert [row["period"] for row in response.json()["results"]] == [q2.pk]


def test_an_absurd_id_in_a_filter_is_a_bad_request(viewer):
    assert viewer.get("/api/objectives/", {"plan": 10**30}).status_code == 400


def test_lists_are_ordered_as_asked(world, viewer):
    ObjectiveFactory(plan=world.plan, ref="0.1")

    rows = viewer.get("/api/objectives/", {"ordering": "-ref"}).json()["results"]

    assert [row["ref"] for row in rows] == sorted((row["ref"] for row in rows), reverse=True)
