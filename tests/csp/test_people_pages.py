"""The coordinator's people pages: permission matrix, pickers, errors, query count."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from csp.models import Membership
from tests.factories import AgencyFactory, GroupFactory, MembershipFactory, PartnershipFactory, PersonFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def partnership():
    return PartnershipFactory(name="Hastings Safer Community Partnership")


@pytest.fixture
def coordinator(partnership):
    return MembershipFactory(partnership=partnership, roles=("coordinator",), first_name="Cora", last_name="Ord").user


@pytest.fixture
def target(partnership):
    return MembershipFactory(partnership=partnership, roles=("viewer",), first_name="Vic", last_name="Viewer")


def _pages(partnership, target):
    ids = [partnership.pk, target.pk]
    return [
        ("get", reverse("coordinator:people", args=[partnership.pk]), None),
        ("get", reverse("coordinator:people_invite", args=[partnership.pk]), None),
        (
            "post",
            reverse("coordinator:people_invite", args=[partnership.pk]),
            {"name": "Ann New", "email": "ann@example.org", "roles": ["analyst"]},
        ),
        ("get", reverse("coordinator:member", args=ids), None),
        ("post", reverse("coordinator:member", args=ids), {"roles": ["analyst"]}),
        ("get", reverse("coordinator:member_remove", args=ids), None),
        ("get", reverse("coordinator:member_deactivate", args=ids), None),
        ("post", reverse("coordinator:member_resend", args=ids), {}),
        ("post", reverse("coordinator:member_remove", args=ids), {}),
        ("post", reverse("coordinator:member_deactivate", args=ids), {}),
    ]


PAGE_IDS = [
    "list",
    "invite",
    "invite-post",
    "member",
    "member-post",
    "remove",
    "deactivate",
    "resend",
    "remove-post",
    "deactivate-post",
]


@pytest.mark.parametrize("page", range(10), ids=PAGE_IDS)
def test_a_coordinator_uses_every_page(client, partnership, coordinator, target, page):
    method, url, data = _pages(partnership, target)[page]
    client.force_login(coordinator)
    response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    assert response.status_code == (200 if method == "get" else 302)


@pytest.mark.parametrize("role", ["group_chair", "lead_officer", "analyst", "viewer", None])
@pytest.mark.parametrize("page", range(10), ids=PAGE_IDS)
def test_other_roles_of_the_partnership_get_403_and_change_nothing(client, partnership, target, role, page):
    member = MembershipFactory(partnership=partnership, roles=(role,) if role else ()).user
    method, url, data = _pages(partnership, target)[page]
    client.force_login(member)
    response = getattr(client, method)(url, data or {}) if method == "post" else client.get(url)
    assert response.status_code == 403
    assert Membership.objects.get(pk=target.pk).role_set == {"viewer"}
    assert not User.objects.filter(email="ann@example.org").exists()


@pytest.mark.parametrize("role", ["coordinator", "group_chair", "lead_officer", "analyst", "viewer"])
@pytest.mark.parametrize("page", range(10), ids=PAGE_IDS)
def test_another_partnership_is_404_for_every_role(client, partnership, target, role, page):
    outsider = MembershipFactory(partnership=PartnershipFactory(), roles=(role,)).user
    method, url, data = _pages(partnership, target)[page]
    client.force_login(outsider)
    response = getattr(client, method)(url, data or {}) if method == "post" else client.get(url)
    assert response.status_code == 404
    target.user.refresh_from_db()
    assert target.user.is_active
    assert Membership.objects.get(pk=target.pk).role_set == {"viewer"}


def test_a_member_of_another_partnership_is_404_even_in_my_partnership_url(client, partnership, coordinator):
    elsewhere = MembershipFactory(partnership=PartnershipFactory(), roles=("viewer",))
    client.force_login(coordinator)
    for name in ("coordinator:member", "coordinator:member_remove", "coordinator:member_deactivate"):
        assert client.get(reverse(name, args=[partnership.pk, elsewhere.pk])).status_code == 404
        assert client.post(reverse(name, args=[partnership.pk, elsewhere.pk]), {}).status_code == 404
    assert Membership.objects.filter(pk=elsewhere.pk).exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, partnership, target):
    for method, url, data in _pages(partnership, target):
        response = getattr(client, method)(url, data or {}) if method == "post" else client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_list_shows_name_email_roles_sign_in_and_status(client, partnership, coordinator, target):
    client.force_login(coordinator)
    response = client.get(reverse("coordinator:people", args=[partnership.pk]))
    html = response.content.decode()
    assert "Vic Viewer" in html
    assert target.user.email in html
    assert "Viewer" in html
    assert "Never" in html
    assert "Active" in html


def test_the_list_filters_by_role(client, partnership, coordinator, target):
    client.force_login(coordinator)
    response = client.get(reverse("coordinator:people", args=[partnership.pk]), {"role": "coordinator"})
    names = [item["membership"].user for item in response.context["members"]]
    assert names == [coordinator]
    bad = client.get(reverse("coordinator:people", args=[partnership.pk]), {"role": "operator"})
    assert bad.status_code == 400
    assert "govuk-error-summary" in bad.content.decode()


def test_the_list_runs_a_constant_number_of_queries(client, partnership, coordinator, django_assert_max_num_queries):
    for _n in range(30):
        MembershipFactory(
            partnership=partnership, roles=("viewer", "analyst"), person=PersonFactory(partnership=partnership)
        )
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("coordinator:people", args=[partnership.pk]))
    assert len(response.context["members"]) == 31


def test_pickers_list_only_the_partnerships_people_groups_and_agencies(client, partnership, coordinator):
    mine = (
        PersonFactory(partnership=partnership),
        GroupFactory(partnership=partnership),
        AgencyFactory(partnership=partnership),
    )
    other = PartnershipFactory()
    theirs = (PersonFactory(partnership=other), GroupFactory(partnership=other), AgencyFactory(partnership=other))
    client.force_login(coordinator)
    form = client.get(reverse("coordinator:people_invite", args=[partnership.pk])).context["form"]
    for field, own, foreign in zip(("person", "group", "agency"), mine, theirs, strict=True):
        choices = set(form.fields[field].queryset)
        assert own in choices
        assert foreign not in choices


def test_choosing_another_partnerships_person_is_an_error_next_to_the_field(client, partnership, coordinator):
    foreign = PersonFactory(partnership=PartnershipFactory())
    client.force_login(coordinator)
    response = client.post(
        reverse("coordinator:people_invite", args=[partnership.pk]),
        {"name": "Ann New", "email": "ann@example.org", "roles": ["lead_officer"], "person": foreign.pk},
    )
    assert response.status_code == 400
    assert "person" in response.context["form"].errors
    assert "govuk-error-summary" in response.content.decode()
    assert not User.objects.filter(email="ann@example.org").exists()


def test_a_service_rule_comes_back_next_to_its_field(client, partnership, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("coordinator:people_invite", args=[partnership.pk]),
        {"name": "Ann New", "email": "ann@example.org", "roles": ["lead_officer"]},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["person"][0].startswith("A lead officer must be linked")
    assert 'id="id_person-error"' in response.content.decode()


def test_invite_page_sends_the_email_and_lists_the_new_member(
    client, partnership, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("coordinator:people_invite", args=[partnership.pk]),
            {"name": "Ann New", "email": "ann@example.org", "roles": ["analyst"]},
            follow=True,
        )
    assert "Ann New is invited" in response.content.decode()
    assert "Invited" in response.content.decode()
    assert mail.outbox[0].to == ["ann@example.org"]


def test_no_page_offers_or_accepts_operator_fields(client, partnership, coordinator, target):
    client.force_login(coordinator)
    for _method, url, _data in _pages(partnership, target)[:2] + _pages(partnership, target)[3:4]:
        html = client.get(url).content.decode()
        for word in ("is_staff", "is_superuser", "password"):
            assert f'name="{word}' not in html
    client.post(
        reverse("coordinator:member", args=[partnership.pk, target.pk]),
        {"roles": ["coordinator"], "is_staff": "on", "is_superuser": "on", "password": "x"},
    )
    target.user.refresh_from_db()
    assert (target.user.is_staff, target.user.is_superuser) == (False, False)
    assert target.user.check_password("test-password-123")


def test_deactivate_confirmation_then_the_account_cannot_sign_in(client, partnership, coordinator, target):
    client.force_login(coordinator)
    url = reverse("coordinator:member_deactivate", args=[partnership.pk, target.pk])
    assert "Deactivate Vic Viewer" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "account is deactivated" in response.content.decode()
    target.user.refresh_from_db()
    assert not target.user.is_active


def test_removing_yourself_is_an_error_on_the_page(client, partnership, coordinator):
    client.force_login(coordinator)
    own = Membership.objects.get(user=coordinator)
    response = client.post(reverse("coordinator:member_remove", args=[partnership.pk, own.pk]))
    assert response.status_code == 400
    assert "cannot remove yourself" in response.content.decode()


def test_the_navigation_offers_people_to_coordinators_only(client, partnership, coordinator, target):
    client.force_login(coordinator)
    assert reverse("coordinator:people_home") in client.get(reverse("home")).content.decode()
    client.force_login(target.user)
    assert reverse("coordinator:people_home") not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("coordinator:people_home")).status_code == 404
