"""The API writes plans, objectives and priorities through the same services as the editor pages,
so the history names the token's user."""

from __future__ import annotations

from plans.models import ExpectedOutcome, Objective, Plan
from priorities.models import Priority


def test_an_objective_written_through_the_api_names_the_token_user_in_its_history(world, api_as):
    client = api_as("coordinator")
    body = {
        "plan": world.plan.pk,
        "ref": "API 1",
        "title": "Entered by a script",
        "outcomes": [{"number": 1, "text": "One", "budget": "250.00"}],
        "actions": [{"text": "Act"}],
    }
    response = client.post("/api/objectives/", body, format="json")
    assert response.status_code == 201, response.content
    objective = Objective.objects.get(pk=response.json()["id"])
    user = response.wsgi_request.user
    assert objective.history.first().history_user == user
    outcome = objective.outcomes.get()
    assert outcome.budget == 250
    assert ExpectedOutcome.history.filter(id=outcome.pk).first().history_user == user
    assert response.json()["outcomes"][0]["budget"] == "250.00"


def test_a_plan_and_a_priority_created_through_the_api_keep_their_author(world, api_as):
    client = api_as("coordinator")
    response = client.post(
        "/api/plans/",
        {
            "partnership": world.partnership.pk,
            "title": "Plan from a script",
            "kind": "annual",
            "period_start": "2025-04-01",
            "period_end": "2026-03-31",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    user = response.wsgi_request.user
    assert Plan.objects.get(pk=response.json()["id"]).history.first().history_user == user
    response = client.post(
        "/api/priorities/",
        {
            "partnership": world.partnership.pk,
            "code": "API1",
            "title": "From a script",
            "period_start": "2025-04-01",
            "period_end": "2026-03-31",
            "themes": [{"title": "One"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    priority = Priority.objects.get(pk=response.json()["id"])
    assert priority.history.first().history_user == user
    assert [t.title for t in priority.themes.all()] == ["One"]
