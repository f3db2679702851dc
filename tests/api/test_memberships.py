"""/api/memberships/: provisioning users with memberships and roles, for coordinators of the partnership only."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from csp.models import Membership, MembershipRole
from tests.api.conftest import client_for
from tests.factories import MembershipFactory, PartnershipFactory, PersonFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
URL = "/api/memberships/"


@pytest.fixture
def coordinator(world, member):
    return member("coordinator")


@pytest.fixture
def api(coordinator):
    return client_for(coordinator)


def provision(api, world, **fields):
    body = {"partnership": world.partnership.pk, "email": "sam@example.org", "name": "Sam Smith", "roles": ["analyst"]}
    body.update(fields)
    return api.post(URL, body, format="json")


def test_a_coordinator_provisions_a_user_with_a_membership_and_roles(
    api, world, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = provision(api, world, roles=["analyst", "viewer"])

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["email"] == "sam@example.org"
    assert body["name"] == "Sam Smith"
    assert body["roles"] == ["analyst", "viewer"]
    assert body["invite_status"] == "invited"
    assert "password" not in body
    assert response["ETag"]
    user = User.objects.get(email="sam@example.org")
    assert not user.has_usable_password()
    assert MembershipRole.history.filter(membership_id=body["id"], history_user=coordinator).count() == 2
    assert mail.outbox[0].to == ["sam@example.org"]


def test_provisioning_without_an_invitation_sends_no_email(api, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = provision(api, world, send_invitation=False)
    assert response.status_code == 201
    assert mail.outbox == []


def test_a_lead_officer_is_provisioned_with_their_person(api, world):
    response = provision(api, world, roles=["lead_officer"], person=world.person.pk)
    assert response.status_code == 201, response.json()
    world.person.refresh_from_db()
    assert world.person.user.email == "sam@example.org"


def test_a_chair_is_provisioned_with_the_group_they_chair(api, world):
    chair = PersonFactory(partnership=world.partnership)
    response = provision(api, world, roles=["group_chair"], person=chair.pk, group=world.group.pk)
    assert response.status_code == 201, response.json()
    assert response.json()["chaired_groups"] == [world.group.pk]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"roles": ["lead_officer"]}, "person"),
        ({"roles": ["operator"]}, "roles"),
        ({"email": "not an address"}, "email"),
        ({"roles": ["group_chair"], "person": "PERSON"}, "group"),
    ],
)
def test_broken_rules_are_400_naming_the_field_and_nothing_is_written(api, world, fields, field):
    if fields.get("person") == "PERSON":
        fields["person"] = PersonFactory(partnership=world.partnership).pk
    before = Membership.objects.count()
    response = provision(api, world, **fields)
    assert response.status_code == 400
    assert field in response.json()
    assert Membership.objects.count() == before


def test_another_partnerships_person_or_partnership_is_refused(api, world, other_world):
    assert provision(api, world, roles=["lead_officer"], person=other_world.person.pk).status_code == 400
    response = provision(api, world, partnership=other_world.partnership.pk)
    assert response.status_code == 400
    assert not Membership.objects.filter(partnership=other_world.partnership, user__email="sam@example.org").exists()


def test_a_coordinator_elsewhere_who_is_a_viewer_here_cannot_grant_here(world, other_world):
    user = MembershipFactory(partnership=other_world.partnership, roles=("coordinator",)).user
    MembershipFactory(partnership=world.partnership, user=user, roles=("viewer",))
    response = provision(client_for(user), world, roles=["coordinator"])
    assert response.status_code == 403
    assert not User.objects.filter(email="sam@example.org").exists()


@pytest.mark.parametrize("role", ["group_chair", "lead_officer", "analyst", "viewer"])
def test_other_roles_get_403_on_every_method(world, member, role):
    target = MembershipFactory(partnership=world.partnership, roles=("viewer",))
    api = client_for(member(role))
    assert api.get(URL).status_code == 403
    assert api.get(f"{URL}{target.pk}/").status_code == 403
    assert provision(api, world).status_code == 403
    assert api.patch(f"{URL}{target.pk}/", {"roles": ["coordinator"]}, format="json").status_code == 403
    assert api.delete(f"{URL}{target.pk}/").status_code == 403
    assert api.post(f"{URL}{target.pk}/deactivate/").status_code == 403
    assert Membership.objects.get(pk=target.pk).role_set == {"viewer"}


@pytest.mark.parametrize("method", ["get", "patch", "delete", "deactivate", "resend"])
def test_another_partnerships_membership_is_404(api, other_world, method):
    target = MembershipFactory(partnership=other_world.partnership, roles=("viewer",))
    url = f"{URL}{target.pk}/"
    response = {
        "get": lambda: api.get(url),
        "patch": lambda: api.patch(url, {"roles": ["coordinator"]}, format="json"),
        "delete": lambda: api.delete(url),
        "deactivate": lambda: api.post(f"{url}deactivate/"),
        "resend": lambda: api.post(f"{url}resend-invitation/"),
    }[method]()
    assert response.status_code == 404
    target.user.refresh_from_db()
    assert target.user.is_active
    assert Membership.objects.get(pk=target.pk).role_set == {"viewer"}


def test_the_list_shows_only_coordinated_partnerships_and_filters(api, world, other_world, coordinator):
    MembershipFactory(partnership=other_world.partnership, roles=("viewer",))
    analyst = MembershipFactory(partnership=world.partnership, roles=("analyst",))
    everyone = api.get(URL).json()["results"]
    assert {m["partnership"] for m in everyone} == {world.partnership.pk}
    analysts = api.get(URL, {"role": "analyst"}).json()["results"]
    assert [m["id"] for m in analysts] == [analyst.pk]
    assert api.get(URL, {"email": analyst.user.email.upper()}).json()["count"] == 1
    assert api.get(URL, {"invite_status": "active"}).json()["count"] == len(everyone)
    assert api.get(URL, {"invite_status": "invited"}).json()["count"] == 0


@pytest.mark.parametrize(("param", "value"), [("role", "operator"), ("invite_status", "maybe"), ("partnership", "0")])
def test_bad_filters_are_400(api, param, value):
    response = api.get(URL, {param: value})
    assert response.status_code == 400
    assert param in response.json()


def test_patch_sets_exactly_the_roles_and_honours_if_match(api, world, coordinator):
    target = MembershipFactory(partnership=world.partnership, roles=("viewer",))
    etag = api.get(f"{URL}{target.pk}/")["ETag"]

    response = api.patch(f"{URL}{target.pk}/", {"roles": ["analyst"]}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 200, response.json()
    assert response.json()["roles"] == ["analyst"]
    stale = api.patch(f"{URL}{target.pk}/", {"roles": ["viewer"]}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert Membership.objects.get(pk=target.pk).role_set == {"analyst"}


def test_patch_cannot_set_operator_or_password_fields(api, world):
    target = MembershipFactory(partnership=world.partnership, roles=("viewer",))
    response = api.patch(
        f"{URL}{target.pk}/", {"is_staff": True, "is_superuser": True, "password": "x" * 20}, format="json"
    )
    assert response.status_code == 200
    target.user.refresh_from_db()
    assert (target.user.is_staff, target.user.is_superuser) == (False, False)
    assert target.user.check_password("test-password-123")


def test_delete_removes_the_membership_and_deactivate_stops_the_account(api, world):
    removed = MembershipFactory(partnership=world.partnership, roles=("viewer",))
    assert api.delete(f"{URL}{removed.pk}/").status_code == 204
    assert not Membership.objects.filter(pk=removed.pk).exists()
    assert removed.user.is_active

    gone = MembershipFactory(partnership=world.partnership, roles=("viewer",))
    response = api.post(f"{URL}{gone.pk}/deactivate/")
    assert response.json() == {"deactivated": True}
    gone.user.refresh_from_db()
    assert not gone.user.is_active
    assert api.get(f"{URL}{gone.pk}/").json()["invite_status"] == "deactivated"


def test_deactivating_someone_who_belongs_elsewhere_only_removes_them_here(api, world):
    target = MembershipFactory(partnership=world.partnership, roles=("viewer",))
    MembershipFactory(partnership=PartnershipFactory(), user=target.user, roles=("viewer",))
    response = api.post(f"{URL}{target.pk}/deactivate/")
    assert response.json() == {"deactivated": False}
    target.user.refresh_from_db()
    assert target.user.is_active


def test_resend_invitation_only_before_a_password_is_chosen(api, world, django_capture_on_commit_callbacks):
    invited = provision(api, world, send_invitation=False).json()
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"{URL}{invited['id']}/resend-invitation/").status_code == 202
    assert len(mail.outbox) == 1
    active = MembershipFactory(partnership=world.partnership, roles=("viewer",))
    assert api.post(f"{URL}{active.pk}/resend-invitation/").status_code == 400


def test_a_read_only_token_cannot_provision(world, coordinator):
    from rest_framework.test import APIClient

    from csp.tokens import api_token_create

    _, secret = api_token_create(user=coordinator, name="Reader", read_only=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert client.get(URL).status_code == 200
    assert provision(client, world).status_code == 403


def test_the_list_runs_a_constant_number_of_queries(api, world, django_assert_max_num_queries):
    for _ in range(25):
        MembershipFactory(
            partnership=world.partnership,
            roles=("viewer", "analyst"),
            person=PersonFactory(partnership=world.partnership),
        )
    with django_assert_max_num_queries(12):
        response = api.get(URL, {"page_size": 100})
    assert response.json()["count"] == 26


def test_the_schema_documents_the_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert {"/api/memberships/", "/api/memberships/{id}/", "/api/memberships/{id}/deactivate/", "/api/users/"} <= set(
        schema["paths"]
    )
    create = schema["paths"]["/api/memberships/"]["post"]
    assert {"201", "400", "401", "403"} <= set(create["responses"])
    patch = schema["paths"]["/api/memberships/{id}/"]["patch"]
    assert {"404", "412", "428"} <= set(patch["responses"])
    assert "put" not in schema["paths"]["/api/memberships/{id}/"]


USERS = "/api/users/"


def test_users_lists_accounts_with_only_the_coordinated_memberships(api, world, other_world, coordinator):
    shared = MembershipFactory(partnership=world.partnership, roles=("viewer",)).user
    MembershipFactory(partnership=other_world.partnership, user=shared, roles=("analyst",))
    MembershipFactory(partnership=other_world.partnership, roles=("viewer",))

    found = api.get(USERS, {"email": shared.email}).json()["results"]

    assert len(found) == 1
    assert found[0]["memberships"] == [
        {
            "id": shared.memberships.get(partnership=world.partnership).pk,
            "partnership": world.partnership.pk,
            "roles": ["viewer"],
        }
    ]
    assert found[0]["invite_status"] == "active"
    everyone = {u["id"] for u in api.get(USERS, {"page_size": 200}).json()["results"]}
    assert everyone == set(Membership.objects.filter(partnership=world.partnership).values_list("user_id", flat=True))


def test_users_post_provisions_and_answers_the_account(api, world):
    response = api.post(
        USERS,
        {"partnership": world.partnership.pk, "email": "kim@example.org", "name": "Kim Lo", "roles": ["viewer"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["email"] == "kim@example.org"
    assert body["invite_status"] == "invited"
    assert body["memberships"][0]["roles"] == ["viewer"]
    assert api.get(f"{USERS}{body['id']}/").status_code == 200


@pytest.mark.parametrize("role", ["group_chair", "lead_officer", "analyst", "viewer"])
def test_users_is_403_for_other_roles(world, member, role):
    api = client_for(member(role))
    assert api.get(USERS).status_code == 403
    body = {"partnership": world.partnership.pk, "email": "kim@example.org", "name": "Kim", "roles": []}
    assert api.post(USERS, body, format="json").status_code == 403
    assert not User.objects.filter(email="kim@example.org").exists()


def test_users_of_another_partnership_are_404(api, other_world):
    outsider = MembershipFactory(partnership=other_world.partnership, roles=("viewer",)).user
    assert api.get(f"{USERS}{outsider.pk}/").status_code == 404


def test_users_filters_are_strict_and_the_list_constant(api, world, django_assert_max_num_queries):
    assert api.get(USERS, {"invite_status": "maybe"}).status_code == 400
    assert api.get(USERS, {"ordering": "password"}).status_code == 400
    for _ in range(20):
        MembershipFactory(partnership=world.partnership, roles=("viewer", "analyst"))
    with django_assert_max_num_queries(10):
        assert api.get(USERS, {"page_size": 100}).json()["count"] == 21
