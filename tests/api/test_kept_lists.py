"""Kept API lists (csp/api/base.py KeptListMixin): a JSON list is kept as the bytes sent, per user, address and
media type, and a write shows at once; the browsable page still renders the kept data."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from csp.models import Role
from tests.api.conftest import ENDPOINTS, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _kept(settings):
    settings.CSP_FRAGMENT_CACHE = True


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_kept_json_list_is_the_same_answer_as_the_built_one(world, member, settings, endpoint):
    client = client_for(member(Role.COORDINATOR))
    url = f"/api/{endpoint}/"
    settings.CSP_FRAGMENT_CACHE = False
    built = client.get(url)
    settings.CSP_FRAGMENT_CACHE = True
    first = client.get(url)  # built and kept
    with CaptureQueriesContext(connection) as queries:
        kept = client.get(url)
    assert built.status_code == first.status_code == kept.status_code == 200
    assert kept.content == first.content == built.content
    assert kept["Content-Type"] == built["Content-Type"] == "application/json"
    assert kept["Vary"] == built["Vary"]
    assert kept["Allow"] == built["Allow"]
    assert json.loads(kept.content)["count"] >= 1
    # Only the token, its owner's other tokens and the roles: nothing of the list itself is read again.
    assert len(queries) <= 3


def test_a_write_shows_in_the_kept_list_at_once(world, member):
    client = client_for(member(Role.COORDINATOR))
    before = client.get("/api/objectives/").json()
    assert world.objective.title in {row["title"] for row in before["results"]}
    world.objective.title = "A title written after the list was kept"
    world.objective.save()
    after = client.get("/api/objectives/").json()
    assert "A title written after the list was kept" in {row["title"] for row in after["results"]}


def test_each_media_type_is_kept_apart(world, member):
    """A script asking for indented JSON is not sent the compact answer kept for another, nor the reverse."""
    client = client_for(member(Role.COORDINATOR))
    compact = client.get("/api/objectives/")
    indented = client.get("/api/objectives/", HTTP_ACCEPT="application/json; indent=4")
    compact_again = client.get("/api/objectives/")
    assert b"\n    " in indented.content
    assert b"\n" not in compact.content
    assert compact_again.content == compact.content
    assert json.loads(indented.content) == json.loads(compact.content)


def test_each_user_is_kept_apart(world, other_world, make_member):
    """Same address, two users of two partnerships: each gets their own partnership's rows."""
    ours = client_for(make_member(world.partnership, Role.COORDINATOR))
    theirs = client_for(make_member(other_world.partnership, Role.COORDINATOR))
    for _ in range(2):  # built, then kept
        our_titles = {row["title"] for row in ours.get("/api/objectives/").json()["results"]}
        their_titles = {row["title"] for row in theirs.get("/api/objectives/").json()["results"]}
        assert world.objective.title in our_titles
        assert other_world.objective.title not in our_titles
        assert other_world.objective.title in their_titles
        assert world.objective.title not in their_titles


def test_the_browsable_page_renders_the_kept_data(world, member):
    client = client_for(member(Role.COORDINATOR))
    client.get("/api/objectives/")  # the JSON answer kept first: the page must not be sent those bytes
    for _ in range(2):
        page = client.get("/api/objectives/", HTTP_ACCEPT="text/html")
        assert page.status_code == 200
        assert page["Content-Type"].startswith("text/html")
        assert world.objective.title in page.content.decode()
