"""The API's DELETE archives: the row stays, readable by id and marked archived, and leaves the lists."""

from __future__ import annotations

import pytest

from plans.models import QuarterlyUpdate, Review
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

ARCHIVABLE = ["plans", "objectives", "people", "priorities"]


@pytest.mark.parametrize("endpoint", ARCHIVABLE)
def test_delete_archives_with_who_when_and_why(endpoint, world, member):
    coordinator = member("coordinator")
    obj = world.objects[endpoint]

    response = client_for(coordinator).delete(f"/api/{endpoint}/{obj.pk}/?reason=Duplicate%20entry")

    assert response.status_code == 204
    obj.refresh_from_db()
    assert obj.archived_at is not None
    assert obj.archived_by == coordinator
    assert obj.archive_reason == "Duplicate entry"


@pytest.mark.parametrize("endpoint", ARCHIVABLE)
def test_an_archived_object_is_readable_by_id_and_says_so(endpoint, world, api_as):
    client = api_as("coordinator")
    obj = world.objects[endpoint]
    client.delete(f"/api/{endpoint}/{obj.pk}/", {"reason": "Replaced"}, format="json")

    response = client.get(f"/api/{endpoint}/{obj.pk}/")

    assert response.status_code == 200
    assert response.json()["archived"] is True
    assert response.json()["archive_reason"] == "Replaced"


@pytest.mark.parametrize("endpoint", ARCHIVABLE)
def test_an_archived_object_leaves_the_list(endpoint, world, api_as):
    client = api_as("coordinator")
    obj = world.objects[endpoint]
    client.delete(f"/api/{endpoint}/{obj.pk}/")

    ids = {row["id"] for row in client.get(f"/api/{endpoint}/", {"page_size": 200}).json()["results"]}

    assert obj.pk not in ids


@pytest.mark.parametrize("endpoint", ARCHIVABLE)
def test_a_viewer_cannot_archive(endpoint, world, api_as):
    obj = world.objects[endpoint]

    response = api_as("viewer").delete(f"/api/{endpoint}/{obj.pk}/")

    assert response.status_code == 403
    obj.refresh_from_db()
    assert obj.archived_at is None


def test_archiving_twice_is_a_clear_400(world, api_as):
    client = api_as("coordinator")
    url = f"/api/objectives/{world.objective.pk}/"
    client.delete(url)

    response = client.delete(url)

    assert response.status_code == 400
    assert "already archived" in str(response.json())


def test_an_archived_object_cannot_be_changed(world, api_as):
    client = api_as("coordinator")
    url = f"/api/objectives/{world.objective.pk}/"
    client.delete(url)

    response = client.patch(url, {"title": "Changed while archived"}, format="json")

    assert response.status_code == 409
    world.objective.refresh_from_db()
    assert world.objective.title != "Changed while archived"


def test_a_too_long_reason_is_refused_and_nothing_is_archived(world, api_as):
    response = api_as("coordinator").delete(f"/api/objectives/{world.objective.pk}/", {"reason": "x" * 2001})

    assert response.status_code == 400
    assert "reason" in response.json()
    world.objective.refresh_from_db()
    assert world.objective.archived_at is None


def test_archiving_an_objective_keeps_its_updates_and_reviews_but_lists_drop_them(world, api_as):
    client = api_as("coordinator")

    client.delete(f"/api/objectives/{world.objective.pk}/")

    assert QuarterlyUpdate.objects.filter(pk=world.update.pk).exists()
    assert Review.objects.filter(pk=world.review.pk).exists()
    update_ids = {row["id"] for row in client.get("/api/updates/").json()["results"]}
    review_ids = {row["id"] for row in client.get("/api/reviews/").json()["results"]}
    assert world.update.pk not in update_ids
    assert world.review.pk not in review_ids
    assert client.get(f"/api/updates/{world.update.pk}/").status_code == 200


def test_an_archive_through_a_token_names_its_user_in_the_history(world, member):
    coordinator = member("coordinator")

    client_for(coordinator).delete(f"/api/objectives/{world.objective.pk}/")

    assert world.objective.history.first().history_user == coordinator
