"""The one access policy: roles looked up once per request, access functions giving 404 / 403, admin scope."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from csp.admin_scoping import scope_to_coordinator
from csp.models import Agency, Role
from csp.selectors import (
    coordinated_partnership_ids,
    has_role,
    holds_role_anywhere,
    roles_anywhere,
    roles_by_partnership,
    roles_of,
)
from plans.selectors.access import access_change_proposal, access_objective, access_plan, access_update
from tests.api.conftest import build_partnership_world
from tests.factories import MembershipFactory, ObjectiveLeadFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worlds(db):
    return build_partnership_world(), build_partnership_world()


def test_roles_are_looked_up_once_for_every_question(worlds, django_assert_num_queries):
    mine, theirs = worlds
    user = MembershipFactory(partnership=mine.partnership, roles=(Role.COORDINATOR, Role.ANALYST)).user
    MembershipFactory(user=user, partnership=theirs.partnership, roles=(Role.VIEWER,))

    with django_assert_num_queries(1):
        assert roles_of(user, mine.partnership) == {Role.COORDINATOR, Role.ANALYST}
        assert has_role(user, theirs.partnership.pk, Role.VIEWER)
        assert not has_role(user, theirs.partnership.pk, Role.COORDINATOR)
        assert holds_role_anywhere(user, Role.ANALYST)
        assert roles_anywhere(user) == {Role.COORDINATOR, Role.ANALYST, Role.VIEWER}
        assert coordinated_partnership_ids(user) == [mine.partnership.pk]


def test_a_membership_without_roles_is_known_but_grants_nothing(worlds):
    mine, _ = worlds
    user = MembershipFactory(partnership=mine.partnership, roles=()).user

    assert roles_by_partnership(user) == {mine.partnership.pk: frozenset()}
    assert not holds_role_anywhere(user, *Role.values)


def test_a_superuser_holds_every_role_and_coordinates_every_partnership(worlds):
    user = UserFactory(is_superuser=True)

    assert roles_anywhere(user) == set(Role.values)
    assert set(coordinated_partnership_ids(user)) == {w.partnership.pk for w in worlds}


@pytest.mark.parametrize(
    "url_name", ["home", "plans:my_items", "plans:review_dashboard", "reporting:report_list", "csp:api_tokens"]
)
def test_a_page_looks_the_roles_up_once(url_name, worlds, client):
    mine, _ = worlds
    user = MembershipFactory(partnership=mine.partnership, roles=(Role.COORDINATOR, Role.GROUP_CHAIR)).user
    client.force_login(user)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(url_name))

    assert response.status_code == 200
    role_lookups = [q["sql"] for q in queries.captured_queries if '"csp_membershiprole"' in q["sql"]]
    assert len(role_lookups) == 1, role_lookups


@pytest.mark.parametrize("access", [access_plan, access_objective, access_update])
def test_another_partnerships_object_is_not_found(access, worlds):
    mine, theirs = worlds
    user = MembershipFactory(partnership=mine.partnership, roles=(Role.COORDINATOR,)).user
    obj = {access_plan: theirs.plan, access_objective: theirs.objective, access_update: theirs.update}[access]

    with pytest.raises(Http404):
        access(user, obj.pk)


@pytest.mark.parametrize("access", [access_plan, access_objective, access_update])
def test_an_object_that_does_not_exist_is_not_found_the_same_way(access, worlds):
    user = MembershipFactory(partnership=worlds[0].partnership, roles=(Role.COORDINATOR,)).user

    with pytest.raises(Http404):
        access(user, 10**9)


@pytest.mark.parametrize(
    ("role", "may_change"),
    [(Role.COORDINATOR, True), (Role.GROUP_CHAIR, False), (Role.LEAD_OFFICER, False), (Role.VIEWER, False)],
)
def test_only_a_coordinator_may_change_an_objective(role, may_change, worlds):
    mine, _ = worlds
    user = MembershipFactory(partnership=mine.partnership, roles=(role,)).user

    assert access_objective(user, mine.objective.pk) == mine.objective
    if may_change:
        assert access_objective(user, mine.objective.pk, for_change=True) == mine.objective
    else:
        with pytest.raises(PermissionDenied):
            access_objective(user, mine.objective.pk, for_change=True)


def test_a_lead_officer_may_change_their_objectives_update_only(worlds):
    mine, _ = worlds
    lead = PersonFactory(partnership=mine.partnership)
    user = MembershipFactory(partnership=mine.partnership, roles=(Role.LEAD_OFFICER,), person=lead).user

    with pytest.raises(PermissionDenied):
        access_update(user, mine.update.pk, for_change=True)
    ObjectiveLeadFactory(objective=mine.objective, person=lead)
    assert access_update(user, mine.update.pk, for_change=True) == mine.update


def test_another_partnerships_proposal_is_not_found(worlds):
    from plans.models import ChangeProposal

    mine, theirs = worlds
    proposal = ChangeProposal.objects.create(
        objective=theirs.objective, kind=ChangeProposal.Kind.STRIKE, reason="Done", proposed_by=UserFactory()
    )
    user = MembershipFactory(partnership=mine.partnership, roles=(Role.COORDINATOR,)).user

    with pytest.raises(Http404):
        access_change_proposal(user, proposal.pk)


def test_the_admin_scope_is_the_partnerships_the_user_coordinates(worlds):
    mine, theirs = worlds
    user = MembershipFactory(partnership=mine.partnership, roles=(Role.COORDINATOR,)).user
    MembershipFactory(user=user, partnership=theirs.partnership, roles=(Role.VIEWER,))

    agencies = scope_to_coordinator(Agency.objects.all(), user)

    assert set(agencies) == {mine.agency}
