"""Optimistic concurrency: ETags on every object, a stale If-Match gets 412 and changes nothing."""

from __future__ import annotations

import pytest

from plans.models import QuarterlyUpdate
from tests.api.conftest import client_for
from tests.factories import ObjectiveLeadFactory, PersonFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = ["agencies", "people", "groups", "priorities", "indicators", "plans", "sections", "objectives", "updates"]


@pytest.fixture
def coordinator(world, member):
    return client_for(member("coordinator"))


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_object_carries_an_etag(endpoint, world, coordinator):
    response = coordinator.get(f"/api/{endpoint}/{world.objects[endpoint].pk}/")

    assert response.status_code == 200
    assert response["ETag"].startswith('"')


def test_a_matching_if_none_match_is_not_modified(world, coordinator):
    etag = coordinator.get(f"/api/plans/{world.plan.pk}/")["ETag"]

    response = coordinator.get(f"/api/plans/{world.plan.pk}/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304


def test_a_write_with_the_current_etag_succeeds_and_gives_a_new_one(world, coordinator):
    etag = coordinator.get(f"/api/agencies/{world.agency.pk}/")["ETag"]

    response = coordinator.patch(
        f"/api/agencies/{world.agency.pk}/", {"name": "Renamed"}, format="json", HTTP_IF_MATCH=etag
    )

    assert response.status_code == 200
    assert response["ETag"] not in ("", etag)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_stale_if_match_is_refused_with_412_and_changes_nothing(method, world, coordinator):
    stale = coordinator.get(f"/api/agencies/{world.agency.pk}/")["ETag"]
    coordinator.patch(f"/api/agencies/{world.agency.pk}/", {"name": "Changed by a colleague"}, format="json")
    body = {"partnership": world.partnership.pk, "name": "My change"}

    response = getattr(coordinator, method)(
        f"/api/agencies/{world.agency.pk}/", body, format="json", HTTP_IF_MATCH=stale
    )

    assert response.status_code == 412
    world.agency.refresh_from_db()
    assert world.agency.name == "Changed by a colleague"


def test_changing_a_nested_action_changes_the_objectives_etag(world, coordinator):
    url = f"/api/objectives/{world.objective.pk}/"
    before = coordinator.get(url)["ETag"]
    action = world.objective.actions.get()

    coordinator.patch(url, {"actions": [{"id": action.pk, "text": "Reworded action"}]}, format="json")

    assert coordinator.get(url)["ETag"] != before


def test_a_stale_objective_write_keeps_the_nested_parts(world, coordinator):
    url = f"/api/objectives/{world.objective.pk}/"
    stale = coordinator.get(url)["ETag"]
    coordinator.patch(url, {"title": "Colleague's title"}, format="json")

    response = coordinator.patch(url, {"actions": []}, format="json", HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert world.objective.actions.count() == 1


@pytest.fixture
def lead_client(world, member):
    lead = PersonFactory(partnership=world.partnership)
    ObjectiveLeadFactory(objective=world.objective, person=lead)
    world.update.state = QuarterlyUpdate.State.DRAFT
    world.update.save()
    return client_for(member("lead_officer", person=lead))


def test_an_update_saved_from_a_stale_version_is_refused(world, lead_client):
    url = f"/api/updates/{world.update.pk}/"
    version = lead_client.get(url).json()["version"]
    lead_client.patch(url, {"progress": "First save", "version": version}, format="json")

    response = lead_client.patch(url, {"progress": "Second save", "version": version}, format="json")

    assert response.status_code == 412
    world.update.refresh_from_db()
    assert world.update.progress == "First save"


def test_an_update_with_a_stale_if_match_is_refused(world, lead_client):
    url = f"/api/updates/{world.update.pk}/"
    stale = lead_client.get(url)["ETag"]
    lead_client.patch(url, {"progress": "First save"}, format="json")

    response = lead_client.patch(url, {"progress": "Second save"}, format="json", HTTP_IF_MATCH=stale)

    assert response.status_code == 412
