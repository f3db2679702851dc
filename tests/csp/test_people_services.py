"""The people services (csp/people.py): invite, roles, removal, deactivation, and each rule they keep."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from csp.models import Membership, MembershipRole, Person, Role
from csp.people import (
    InviteStatus,
    invite_status,
    invite_token_generator,
    membership_remove,
    roles_set,
    user_deactivate,
    user_invite,
)
from csp.services import coordinator_admin_access_grant
from tests.factories import GroupFactory, MembershipFactory, PartnershipFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def partnership():
    return PartnershipFactory(name="Stevenage Community Safety Partnership")


@pytest.fixture
def coordinator(partnership):
    return MembershipFactory(partnership=partnership, roles=("coordinator",)).user


def invite(partnership, coordinator, **kwargs):
    fields = {"email": "Dana.Lee@Example.org", "name": "Dana Lee", "roles": ["analyst"]}
    fields.update(kwargs)
    return user_invite(partnership=partnership, by=coordinator, **fields)


def test_invite_creates_a_user_without_a_password_and_a_membership_with_roles(
    partnership, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(partnership, coordinator, roles=["analyst", "viewer"])

    user = invitation.membership.user
    assert invitation.created_user
    assert (user.username, user.email, user.first_name, user.last_name) == (
        "dana.lee@example.org",
        "dana.lee@example.org",
        "Dana",
        "Lee",
    )
    assert not user.has_usable_password()
    assert not user.is_staff
    assert not user.is_superuser
    assert invite_status(user) == InviteStatus.INVITED
    assert invitation.membership.role_set == {"analyst", "viewer"}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dana.lee@example.org"]
    assert "/account/invite/" in mail.outbox[0].body


def test_the_invitation_email_leaves_only_on_commit(partnership, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite(partnership, coordinator)
    assert mail.outbox == []
    # One e-mail waits for the commit (beside the renewal of the partnership's content version).
    sends = [c for c in callbacks if "send_invitation_email" in repr(c)]
    assert len(sends) == 1
    assert mail.outbox == []


def test_every_grant_is_in_the_history_with_who_made_it(partnership, coordinator):
    invitation = invite(partnership, coordinator, roles=["analyst"])

    grant = MembershipRole.history.get(membership_id=invitation.membership.pk, role="analyst")
    assert grant.history_type == "+"
    assert grant.history_user == coordinator
    assert Membership.history.filter(id=invitation.membership.pk, history_user=coordinator).exists()


def test_an_existing_user_gets_a_new_membership_and_a_note_not_a_password_link(
    partnership, coordinator, django_capture_on_commit_callbacks
):
    existing = MembershipFactory(partnership=PartnershipFactory(), email="dana.lee@example.org").user
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(partnership, coordinator, email="DANA.LEE@example.org")

    assert not invitation.created_user
    assert invitation.membership.user == existing
    assert existing.memberships.count() == 2
    assert "/account/invite/" not in mail.outbox[0].body
    assert "/accounts/login/" in mail.outbox[0].body


def test_invite_refuses_someone_already_a_member(partnership, coordinator):
    invite(partnership, coordinator)
    with pytest.raises(ValidationError) as error:
        invite(partnership, coordinator)
    assert "already a member" in str(error.value.message_dict["email"])


@pytest.mark.parametrize(
    ("email", "name", "field"),
    [("not-an-address", "Dana Lee", "email"), ("dana@example.org", "  ", "name"), ("", "Dana", "email")],
)
def test_invite_refuses_bad_input_and_writes_nothing(partnership, coordinator, email, name, field):
    before = (User.objects.count(), Membership.objects.count())
    with pytest.raises(ValidationError) as error:
        invite(partnership, coordinator, email=email, name=name)
    assert field in error.value.message_dict
    assert (User.objects.count(), Membership.objects.count()) == before


def test_invite_refuses_an_unknown_role(partnership, coordinator):
    with pytest.raises(ValidationError) as error:
        invite(partnership, coordinator, roles=["operator"])
    assert "roles" in error.value.message_dict


@pytest.mark.parametrize("role", ["group_chair", "lead_officer", "analyst", "viewer"])
def test_only_a_coordinator_of_the_partnership_invites(partnership, role):
    member = MembershipFactory(partnership=partnership, roles=(role,)).user
    with pytest.raises(PermissionDenied):
        invite(partnership, member)


def test_a_coordinator_elsewhere_cannot_grant_here(partnership):
    elsewhere = MembershipFactory(partnership=PartnershipFactory(), roles=("coordinator",)).user
    with pytest.raises(PermissionDenied):
        invite(partnership, elsewhere, roles=["coordinator"])
    assert not Membership.objects.filter(partnership=partnership, user__email="dana.lee@example.org").exists()


def test_a_lead_officer_needs_a_person_of_this_partnership(partnership, coordinator):
    with pytest.raises(ValidationError) as error:
        invite(partnership, coordinator, roles=["lead_officer"])
    assert "person" in error.value.message_dict

    foreign = PersonFactory(partnership=PartnershipFactory())
    with pytest.raises(ValidationError) as error:
        invite(partnership, coordinator, roles=["lead_officer"], person=foreign)
    assert error.value.message_dict["person"] == ["Choose a person of this partnership."]


def test_a_lead_officer_is_linked_to_their_person(partnership, coordinator):
    person = PersonFactory(partnership=partnership, name="Debbie Barker")
    invitation = invite(partnership, coordinator, roles=["lead_officer"], person=person)

    person.refresh_from_db()
    assert person.user == invitation.membership.user
    assert invitation.membership.person == person


def test_a_person_linked_to_another_user_is_refused(partnership, coordinator):
    person = PersonFactory(partnership=partnership, user=UserFactory())
    with pytest.raises(ValidationError) as error:
        invite(partnership, coordinator, roles=["lead_officer"], person=person)
    assert "already linked" in error.value.message_dict["person"][0]


def test_a_chair_needs_a_group_of_this_partnership_and_becomes_its_chair(partnership, coordinator):
    person = PersonFactory(partnership=partnership)
    with pytest.raises(ValidationError) as error:
        invite(partnership, coordinator, roles=["group_chair"], person=person)
    assert "group" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        invite(partnership, coordinator, roles=["group_chair"], person=person, group=GroupFactory())
    assert error.value.message_dict["group"] == ["Choose a group of this partnership."]

    odg = GroupFactory(partnership=partnership, name="ODG")
    invitation = invite(partnership, coordinator, roles=["group_chair"], person=person, group=odg)

    odg.refresh_from_db()
    assert odg.chair == person
    assert person.user_id == invitation.membership.user_id
    assert odg.history.first().history_user == coordinator


def test_a_coordinator_cannot_add_or_change_an_operator(partnership, coordinator):
    operator = UserFactory(email="ops@example.org", is_staff=True)
    with pytest.raises(ValidationError):
        invite(partnership, coordinator, email="ops@example.org")
    membership = MembershipFactory(partnership=partnership, user=operator)
    with pytest.raises(PermissionDenied):
        roles_set(membership=membership, roles=["viewer"], by=coordinator)
    with pytest.raises(PermissionDenied):
        user_deactivate(membership=membership, by=coordinator)


def test_a_coordinator_with_admin_access_is_not_an_operator(partnership, coordinator):
    other = MembershipFactory(partnership=partnership, roles=("coordinator",))
    coordinator_admin_access_grant(user=other.user)

    roles_set(membership=other, roles=["viewer"], by=coordinator)

    assert other.role_set == {"viewer"}
    other.user.refresh_from_db()
    assert other.user.is_staff  # left as the operator set it


def test_roles_set_grants_and_revokes_and_keeps_both_in_the_history(partnership, coordinator):
    membership = MembershipFactory(partnership=partnership, roles=("viewer",))

    roles_set(membership=membership, roles=["analyst"], by=coordinator)

    assert membership.role_set == {"analyst"}
    viewer = MembershipRole.history.filter(membership_id=membership.pk, role="viewer").order_by("history_date")
    assert [h.history_type for h in viewer] == ["+", "-"]
    assert viewer.last().history_user == coordinator
    assert MembershipRole.history.get(membership_id=membership.pk, role="analyst").history_user == coordinator


def test_roles_set_never_touches_operator_or_password_fields(partnership, coordinator):
    membership = MembershipFactory(partnership=partnership, roles=("viewer",))
    password = membership.user.password

    roles_set(membership=membership, roles=["coordinator"], by=coordinator)

    membership.user.refresh_from_db()
    user = membership.user
    assert (user.is_staff, user.is_superuser, user.password) == (False, False, password)


def test_roles_set_moves_the_linked_person(partnership, coordinator):
    old, new = PersonFactory(partnership=partnership), PersonFactory(partnership=partnership)
    membership = MembershipFactory(partnership=partnership, roles=("lead_officer",), person=old)

    roles_set(membership=membership, roles=["lead_officer"], person=new, by=coordinator)

    old.refresh_from_db()
    new.refresh_from_db()
    assert old.user is None
    assert new.user == membership.user
    assert Membership.objects.get(pk=membership.pk).person == new


def test_a_coordinator_cannot_take_their_own_coordinator_role(partnership, coordinator):
    own = Membership.objects.get(user=coordinator, partnership=partnership)
    with pytest.raises(ValidationError):
        roles_set(membership=own, roles=["viewer"], by=coordinator)
    assert own.role_set == {"coordinator"}


def test_remove_takes_the_membership_and_roles_away_and_unlinks_the_person(partnership, coordinator):
    person = PersonFactory(partnership=partnership)
    membership = MembershipFactory(partnership=partnership, roles=("lead_officer", "viewer"), person=person)
    pk = membership.pk

    membership_remove(membership=membership, by=coordinator)

    assert not Membership.objects.filter(pk=pk).exists()
    person.refresh_from_db()
    assert person.user is None
    removed = Membership.history.filter(id=pk, history_type="-").get()
    assert removed.history_user == coordinator
    assert set(MembershipRole.history.filter(membership_id=pk, history_type="-").values_list("role", flat=True)) == {
        "lead_officer",
        "viewer",
    }


def test_remove_refuses_yourself(partnership, coordinator):
    with pytest.raises(ValidationError):
        membership_remove(membership=Membership.objects.get(user=coordinator), by=coordinator)


def test_deactivate_stops_sign_in_when_the_coordinator_coordinates_every_membership(partnership, coordinator):
    membership = MembershipFactory(partnership=partnership, roles=("viewer",))

    result = user_deactivate(membership=membership, by=coordinator)

    assert result.deactivated
    membership.user.refresh_from_db()
    assert not membership.user.is_active
    assert Membership.history.filter(id=membership.pk, history_change_reason="Account deactivated").exists()
    assert not Client().login(username=membership.user.username, password="test-password-123")


def test_deactivate_only_removes_the_membership_of_someone_who_belongs_elsewhere(partnership, coordinator):
    membership = MembershipFactory(partnership=partnership, roles=("viewer",))
    MembershipFactory(partnership=PartnershipFactory(), user=membership.user, roles=("analyst",))

    result = user_deactivate(membership=membership, by=coordinator)

    assert not result.deactivated
    membership.user.refresh_from_db()
    assert membership.user.is_active
    assert list(membership.user.memberships.values_list("partnership_id", flat=True)) != [partnership.pk]
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_deactivate_refuses_yourself(partnership, coordinator):
    with pytest.raises(ValidationError):
        user_deactivate(membership=Membership.objects.get(user=coordinator), by=coordinator)


def _link_of(body: str) -> str:
    return re.search(r"https?://\S+/account/invite/\S+/", body).group(0)


def test_the_invitation_link_sets_the_password_once(
    client, partnership, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(partnership, coordinator)
    path = _link_of(mail.outbox[0].body).split("://", 1)[1].split("/", 1)[1]

    form_page = client.get("/" + path, follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "correct horse battery staple", "new_password2": "correct horse battery staple"},
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("login")

    user = User.objects.get(pk=invitation.membership.user_id)
    assert user.check_password("correct horse battery staple")
    assert invite_status(user) == InviteStatus.ACTIVE
    again = Client().get("/" + path, follow=True)
    assert not again.context["validlink"]


def test_the_invitation_link_expires_after_csp_invite_days(settings, partnership, coordinator):
    settings.CSP_INVITE_DAYS = 7
    user = invite(partnership, coordinator).membership.user
    token = invite_token_generator.make_token(user)
    now = dt.datetime.now()

    invite_token_generator._now = lambda: now + dt.timedelta(days=6, hours=23)
    try:
        assert invite_token_generator.check_token(user, token)
        invite_token_generator._now = lambda: now + dt.timedelta(days=7, hours=1)
        assert not invite_token_generator.check_token(user, token)
    finally:
        del invite_token_generator._now


def test_an_invitation_token_is_not_a_password_reset_token(partnership, coordinator):
    from django.contrib.auth.tokens import default_token_generator

    user = invite(partnership, coordinator).membership.user
    assert not default_token_generator.check_token(user, invite_token_generator.make_token(user))
    assert not invite_token_generator.check_token(user, default_token_generator.make_token(user))


def test_lead_officer_grant_gives_the_lead_officer_rule(partnership, coordinator):
    from plans.selectors.access import is_lead_officer_of
    from tests.factories import ObjectiveFactory, ObjectiveLeadFactory, PlanFactory

    person = PersonFactory(partnership=partnership)
    objective = ObjectiveFactory(plan=PlanFactory(partnership=partnership))
    ObjectiveLeadFactory(objective=objective, person=person)
    user = invite(partnership, coordinator, roles=[Role.LEAD_OFFICER], person=person).membership.user

    assert is_lead_officer_of(user, objective)
    assert Person.objects.get(pk=person.pk).user == user
