"""/api/escalations/: scoped list, retrieve, and the resolve action with If-Match (issue 13 point 2)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from plans.services.reviews import update_escalate
from tests.plans.review_setup import ROLES, build_review_world


@pytest.fixture
def world(db):
    world = build_review_world()
    world.board.chair = world.jag.chair
    world.board.save()
    return world


@pytest.fixture
def escalation(world):
    return update_escalate(reviewer=world.user("chair"), update=world.update, note="At risk: no venue.")


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


RESOLVE = {
    "coordinator": 200,
    "other_chair": 200,
    "chair": 403,
    "lead": 403,
    "analyst": 403,
    "viewer": 403,
    "outsider": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_list_and_retrieve_show_only_the_users_partnership(world, escalation, role):
    client = api(world.user(role))
    ids = [row["id"] for row in client.get("/api/escalations/").json()["results"]]
    assert ids == ([] if role == "outsider" else [escalation.pk])
    assert client.get(f"/api/escalations/{escalation.pk}/").status_code == (404 if role == "outsider" else 200)


@pytest.mark.parametrize("role", ROLES)
def test_resolve_permission_matrix(world, escalation, role):
    response = api(world.user(role)).post(
        f"/api/escalations/{escalation.pk}/resolve/", {"decision": "Fund it.", "minute_reference": "RAG 5"}
    )
    assert response.status_code == RESOLVE[role]
    escalation.refresh_from_db()
    assert (escalation.minute_reference == "RAG 5") is (RESOLVE[role] == 200)


def test_resolve_answers_the_resolved_escalation_with_an_etag(world, escalation):
    response = api(world.user("coordinator")).post(
        f"/api/escalations/{escalation.pk}/resolve/", {"decision": "Fund it.", "minute_reference": "RAG 5"}
    )
    body = response.json()
    assert (body["resolution"], body["minute_reference"]) == ("Fund it.", "RAG 5")
    assert body["resolved_by"] == world.user("coordinator").pk
    assert response["ETag"]


def test_a_stale_if_match_is_412_and_changes_nothing(world, escalation):
    response = api(world.user("coordinator")).post(
        f"/api/escalations/{escalation.pk}/resolve/",
        {"decision": "Fund it.", "minute_reference": "5"},
        HTTP_IF_MATCH='"not-the-current-version"',
    )
    assert response.status_code == 412
    escalation.refresh_from_db()
    assert escalation.resolved_at is None


def test_a_current_if_match_is_accepted(world, escalation):
    client = api(world.user("coordinator"))
    etag = client.get(f"/api/escalations/{escalation.pk}/")["ETag"]
    response = client.post(
        f"/api/escalations/{escalation.pk}/resolve/",
        {"decision": "Fund it.", "minute_reference": "5"},
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200


def test_resolving_twice_is_400_with_a_message(world, escalation):
    client = api(world.user("coordinator"))
    client.post(f"/api/escalations/{escalation.pk}/resolve/", {"decision": "Fund it.", "minute_reference": "5"})
    response = client.post(f"/api/escalations/{escalation.pk}/resolve/", {"decision": "Again", "minute_reference": "6"})
    assert response.status_code == 400
    assert "already resolved" in str(response.json())


def test_missing_fields_are_400(world, escalation):
    response = api(world.user("coordinator")).post(f"/api/escalations/{escalation.pk}/resolve/", {"decision": ""})
    assert response.status_code == 400
    assert set(response.json()) >= {"decision", "minute_reference"}


def test_the_resolved_filter_and_strict_filters(world, escalation):
    client = api(world.user("viewer"))
    assert [r["id"] for r in client.get("/api/escalations/?resolved=false").json()["results"]] == [escalation.pk]
    assert client.get("/api/escalations/?resolved=true").json()["results"] == []
    assert client.get("/api/escalations/?resolved=maybe").status_code == 400
    assert client.get("/api/escalations/?ordering=colour").status_code == 400
    assert client.get("/api/escalations/?plan=abc").status_code == 400


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_escalations_are_not_written_except_by_resolve(world, escalation, method):
    response = getattr(api(world.user("coordinator")), method)(f"/api/escalations/{escalation.pk}/", {})
    assert response.status_code == 405


def test_the_list_runs_a_constant_number_of_queries(world, django_assert_max_num_queries):
    from plans.models import Escalation
    from tests.factories import ObjectiveFactory, QuarterlyUpdateFactory

    for i in range(15):
        objective = ObjectiveFactory(plan=world.plan, ref=f"X{i}")
        update = QuarterlyUpdateFactory(objective=objective, period=world.q1, state="submitted")
        Escalation.objects.create(
            objective=objective, update=update, board=world.board, note="n", raised_by=world.user("chair")
        )
    client = api(world.user("coordinator"))
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/escalations/").json()["results"]) == 15


def test_the_schema_documents_the_resolve_action(world):
    schema = api(world.user("viewer")).get("/api/schema/?format=json").json()
    assert "/api/escalations/{id}/resolve/" in schema["paths"]
