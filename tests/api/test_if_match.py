"""If-Match: strong comparison, and 428 when the setting requires it."""

from __future__ import annotations

import pytest

from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(world, member):
    return client_for(member("coordinator"))


def test_a_weak_tag_does_not_match_even_with_the_current_value(world, coordinator):
    url = f"/api/agencies/{world.agency.pk}/"
    etag = coordinator.get(url)["ETag"]

    response = coordinator.patch(url, {"name": "Renamed"}, format="json", HTTP_IF_MATCH=f"W/{etag}")

    assert response.status_code == 412
    world.agency.refresh_from_db()
    assert world.agency.name != "Renamed"


def test_a_list_of_tags_matches_when_one_strong_tag_is_current(world, coordinator):
    url = f"/api/agencies/{world.agency.pk}/"
    etag = coordinator.get(url)["ETag"]

    response = coordinator.patch(url, {"name": "Renamed"}, format="json", HTTP_IF_MATCH=f'"old", {etag}')

    assert response.status_code == 200


def test_a_weak_tag_still_answers_if_none_match_with_304(world, coordinator):
    url = f"/api/agencies/{world.agency.pk}/"
    etag = coordinator.get(url)["ETag"]

    assert coordinator.get(url, HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_write_without_if_match_is_428_when_required(method, world, coordinator, settings):
    settings.CSP_API_REQUIRE_IF_MATCH = True
    body = {"partnership": world.partnership.pk, "name": "My change"}

    response = getattr(coordinator, method)(f"/api/agencies/{world.agency.pk}/", body, format="json")

    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    world.agency.refresh_from_db()
    assert world.agency.name != "My change"


def test_a_write_with_if_match_succeeds_when_required(world, coordinator, settings):
    settings.CSP_API_REQUIRE_IF_MATCH = True
    url = f"/api/agencies/{world.agency.pk}/"
    etag = coordinator.get(url)["ETag"]

    assert coordinator.patch(url, {"name": "Renamed"}, format="json", HTTP_IF_MATCH=etag).status_code == 200


def test_if_match_is_optional_by_default(world, coordinator):
    assert coordinator.patch(f"/api/agencies/{world.agency.pk}/", {"name": "Renamed"}, format="json").status_code == 200


def test_submitting_an_update_without_if_match_is_428_when_required(world, coordinator, settings):
    settings.CSP_API_REQUIRE_IF_MATCH = True

    response = coordinator.post(f"/api/updates/{world.update.pk}/submit/", {}, format="json")

    assert response.status_code == 428


def test_creating_needs_no_if_match_when_required(world, coordinator, settings):
    settings.CSP_API_REQUIRE_IF_MATCH = True

    response = coordinator.post("/api/agencies/", {"partnership": world.partnership.pk, "name": "New"}, format="json")

    assert response.status_code == 201
