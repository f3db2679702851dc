"""API tokens: hashed, expiring, named, several per person, read-only or read-write, revoked with the password."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from knox.crypto import hash_token
from rest_framework.test import APIClient

from csp.tokens import ApiToken, api_token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/account/api-tokens/"


@pytest.fixture
def signed_in(client, member):
    user = member("analyst")
    client.force_login(user)
    return client, user


def token_client(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def create_on_page(client, name="Spreadsheet", access="read_write", days=""):
    return client.post(PAGE, {"action": "create", "name": name, "access": access, "days": days})


def secret_on(response) -> str:
    page = response.content.decode()
    start = page.index('id="new-token">') + len('id="new-token">')
    return page[start : page.index("<", start)]


def test_the_token_page_is_at_account_api_tokens():
    assert reverse("csp:api_tokens") == PAGE


def test_the_token_page_needs_sign_in(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_creating_a_token_shows_it_once_and_never_caches_it(signed_in):
    client, _ = signed_in

    created = create_on_page(client)
    again = client.get(PAGE)

    secret = secret_on(created)
    assert secret.startswith("csp_")
    assert secret not in again.content.decode()
    assert "no-store" in created["Cache-Control"]


def test_a_token_is_stored_only_as_its_hash(signed_in):
    client, user = signed_in

    secret = secret_on(create_on_page(client))

    token = ApiToken.objects.get(user=user)
    assert token.digest == hash_token(secret)
    assert secret not in {token.digest, token.token_key}


def test_a_token_expires_after_the_configured_default(signed_in, settings):
    client, user = signed_in

    create_on_page(client)

    expiry = ApiToken.objects.get(user=user).expiry
    assert abs(expiry - (timezone.now() + dt.timedelta(days=90))) < dt.timedelta(minutes=1)


def test_the_owner_may_choose_a_shorter_life(signed_in):
    client, user = signed_in

    create_on_page(client, days="7")

    assert ApiToken.objects.get(user=user).expiry.date() == (timezone.now() + dt.timedelta(days=7)).date()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "Enter a name for the token"),
        ({"days": "0"}, "days", "between 1 and 366 days"),
        ({"days": "400"}, "days", "between 1 and 366 days"),
        ({"days": "soon"}, "days", "Enter the number of days as a whole number"),
        ({"access": "admin"}, "access", "Choose whether the token may only read"),
        ({"access": ""}, "access", "Choose whether the token may only read"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_creates_nothing(signed_in, fields, field, message):
    client, user = signed_in

    response = client.post(PAGE, {"action": "create", "name": "Ok", "access": "read_only", **fields})

    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert f'href="#id_{field}"' in page
    assert message in page
    assert not ApiToken.objects.filter(user=user).exists()


def test_two_tokens_of_one_person_cannot_share_a_name(signed_in):
    client, user = signed_in
    create_on_page(client, name="Spreadsheet")

    response = create_on_page(client, name="Spreadsheet")

    assert response.status_code == 400
    assert "already have a token with this name" in response.content.decode()
    assert ApiToken.objects.filter(user=user).count() == 1


def test_a_person_has_several_tokens_each_listed_by_name(signed_in, django_assert_max_num_queries):
    client, _ = signed_in
    for name in ("Spreadsheet", "Police system", "Council system"):
        create_on_page(client, name=name)

    with django_assert_max_num_queries(12):
        page = client.get(PAGE).content.decode()

    for name in ("Spreadsheet", "Police system", "Council system"):
        assert name in page


def test_the_page_lists_only_your_own_tokens(signed_in):
    client, _ = signed_in
    api_token_create(user=UserFactory(), name="Someone else's")

    assert "Someone else&#x27;s" not in client.get(PAGE).content.decode()


def test_the_new_token_authenticates_api_requests(signed_in):
    client, _ = signed_in

    secret = secret_on(create_on_page(client))

    assert token_client(secret).get("/api/plans/").status_code == 200


def test_revoking_one_token_leaves_the_others_working(signed_in):
    client, user = signed_in
    first = secret_on(create_on_page(client, name="First"))
    second = secret_on(create_on_page(client, name="Second"))

    response = client.post(PAGE, {"action": "revoke", "token": first[:15]}, follow=True)

    assert "The token is revoked" in response.content.decode()
    assert token_client(first).get("/api/plans/").status_code == 401
    assert token_client(second).get("/api/plans/").status_code == 200


def test_nobody_can_revoke_another_persons_token(signed_in):
    client, _ = signed_in
    other, secret = api_token_create(user=UserFactory(), name="Theirs")

    client.post(PAGE, {"action": "revoke", "token": other.token_key})

    assert ApiToken.objects.filter(pk=other.pk).exists()


def test_an_expired_token_is_refused_and_removed(member):
    token, secret = api_token_create(user=member("analyst"), name="Old")
    ApiToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))

    response = token_client(secret).get("/api/plans/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_an_unknown_token_is_refused(db):
    assert token_client("csp_not-a-real-token").get("/api/plans/").status_code == 401


def test_a_read_only_token_reads(world, member):
    _, secret = api_token_create(user=member("coordinator"), name="Reader", read_only=True)

    assert token_client(secret).get(f"/api/agencies/{world.agency.pk}/").status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_read_only_token_cannot_change_anything(world, member, method):
    _, secret = api_token_create(user=member("coordinator"), name="Reader", read_only=True)
    name = world.agency.name

    response = getattr(token_client(secret), method)(f"/api/agencies/{world.agency.pk}/", {"name": "X"}, format="json")

    world.agency.refresh_from_db()
    assert response.status_code == 403
    assert response.json() == {"detail": "This API token is read-only: it cannot change anything."}
    assert world.agency.name == name


def test_a_read_write_token_changes_what_its_owner_may(world, member):
    _, secret = api_token_create(user=member("coordinator"), name="Writer")

    response = token_client(secret).patch(f"/api/agencies/{world.agency.pk}/", {"name": "Renamed"}, format="json")

    assert response.status_code == 200
    world.agency.refresh_from_db()
    assert world.agency.name == "Renamed"


def test_changing_the_password_revokes_every_token(member):
    user = member("analyst")
    _, first = api_token_create(user=user, name="First")
    _, second = api_token_create(user=user, name="Second")

    user.set_password("a-brand-new-passphrase")
    user.save()

    assert token_client(first).get("/api/plans/").status_code == 401
    assert token_client(second).get("/api/plans/").status_code == 401
    assert not ApiToken.objects.filter(user=user).exists()


def test_deactivating_the_user_revokes_every_token(member):
    user = member("analyst")
    _, secret = api_token_create(user=user, name="First")

    user.is_active = False
    user.save()
    user.is_active = True
    user.save()

    assert token_client(secret).get("/api/plans/").status_code == 401


def test_other_changes_to_the_user_keep_tokens(member):
    user = member("analyst")
    _, secret = api_token_create(user=user, name="First")

    user.first_name = "Renamed"
    user.last_login = timezone.now()
    user.save()

    assert token_client(secret).get("/api/plans/").status_code == 200


def test_the_browser_session_also_works_for_the_api(signed_in):
    client, _ = signed_in

    assert client.get("/api/plans/").status_code == 200


def test_a_session_write_needs_the_csrf_token(world, make_member):
    user = make_member(world.partnership, "coordinator")
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(user)

    response = api.patch(f"/api/agencies/{world.agency.pk}/", {"name": "No CSRF"}, format="json")

    assert response.status_code == 403


def test_create_api_token_command_prints_a_working_token(member):
    user = member("analyst")
    out = StringIO()

    call_command("create_api_token", user.username, "--name", "Nightly import", stdout=out, stderr=StringIO())

    secret = out.getvalue().strip()
    token = ApiToken.objects.get(user=user)
    assert (token.name, token.read_only) == ("Nightly import", False)
    assert token_client(secret).get("/api/plans/").status_code == 200


def test_create_api_token_command_makes_read_only_short_lived_tokens(member):
    user = member("analyst")

    call_command("create_api_token", user.username, "--read-only", "--days", "3", stdout=StringIO(), stderr=StringIO())

    token = ApiToken.objects.get(user=user)
    assert token.read_only
    assert token.expiry.date() == (timezone.now() + dt.timedelta(days=3)).date()


def test_create_api_token_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No active user named 'nobody'"):
        call_command("create_api_token", "nobody", stdout=StringIO(), stderr=StringIO())
