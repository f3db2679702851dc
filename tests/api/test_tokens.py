"""A person creates, replaces and revokes their own API token in the app; scripts use it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, member):
    user = member("analyst")
    client.force_login(user)
    return client, user


def token_client(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_the_token_page_is_at_account_api_tokens():
    assert reverse("csp:api_tokens") == "/account/api-tokens/"


def test_the_token_page_needs_sign_in(client):
    response = client.get(reverse("csp:api_tokens"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_creating_a_token_shows_it_once(signed_in):
    client, user = signed_in

    created = client.post(reverse("csp:api_tokens"), {"action": "create"})
    again = client.get(reverse("csp:api_tokens"))

    key = Token.objects.get(user=user).key
    assert key in created.content.decode()
    assert key not in again.content.decode()
    assert "no-store" in created["Cache-Control"]


def test_the_new_token_authenticates_api_requests(signed_in):
    client, user = signed_in
    client.post(reverse("csp:api_tokens"), {"action": "create"})

    response = token_client(Token.objects.get(user=user).key).get("/api/plans/")

    assert response.status_code == 200


def test_replacing_the_token_stops_the_old_one(signed_in):
    client, user = signed_in
    client.post(reverse("csp:api_tokens"), {"action": "create"})
    old = Token.objects.get(user=user).key

    client.post(reverse("csp:api_tokens"), {"action": "create"})

    assert token_client(old).get("/api/plans/").status_code == 401
    assert Token.objects.get(user=user).key != old


def test_a_revoked_token_no_longer_works(signed_in):
    client, user = signed_in
    client.post(reverse("csp:api_tokens"), {"action": "create"})
    key = Token.objects.get(user=user).key

    response = client.post(reverse("csp:api_tokens"), {"action": "revoke"}, follow=True)

    assert "revoked" in response.content.decode()
    assert token_client(key).get("/api/plans/").status_code == 401


def test_the_browser_session_also_works_for_the_api(signed_in):
    client, _ = signed_in

    assert client.get("/api/plans/").status_code == 200


def test_a_session_write_needs_the_csrf_token(world, make_member):
    user = make_member(world.partnership, "coordinator")
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(user)

    response = api.patch(f"/api/agencies/{world.agency.pk}/", {"name": "No CSRF"}, format="json")

    assert response.status_code == 403
