"""The lists scope by partnership in a shape PostgreSQL plans from the user's partnerships, with the same rows.

`partnership_ids_visible_to` (literal ids from the request's role lookup) must give exactly the partnerships
the user is a member of or holds an area role over, and the reviews list, scoped on its own joins, exactly
the reviews of `updates_visible_to`.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone

from csp.models import AreaMembership, Membership, Partnership
from csp.selectors import partnership_ids_visible_to, partnerships_visible_to
from plans.api.selectors import reviews_for_api
from plans.models import Review
from plans.selectors.access import updates_visible_to
from tests.api.conftest import build_partnership_world, client_for
from tests.factories import (
    AreaFactory,
    AreaMembershipFactory,
    MembershipFactory,
    ObjectiveFactory,
    PlanFactory,
    QuarterlyUpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_worlds(db):
    area = AreaFactory(slug="scoping-area", name="Scoping area")
    worlds = [build_partnership_world() for _ in range(3)]
    Partnership.objects.filter(pk__in=[worlds[1].partnership.pk, worlds[2].partnership.pk]).update(area=area)
    return area, worlds


def _users(area, worlds):
    member = UserFactory()
    MembershipFactory(user=member, partnership=worlds[0].partnership)
    both = UserFactory()
    MembershipFactory(user=both, partnership=worlds[1].partnership)
    AreaMembershipFactory(user=both, area=area)
    analyst = UserFactory()
    AreaMembershipFactory(user=analyst, area=area)
    return {
        "member": member,
        "member and area analyst": both,
        "area analyst": analyst,
        "nobody's": UserFactory(),
        "superuser": UserFactory(is_superuser=True),
        "anonymous": AnonymousUser(),
    }


def _by_definition(user) -> set[int]:
    """Member of, or in an area where the user holds an area role; every partnership for a superuser."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(Partnership.objects.values_list("pk", flat=True))
    member = Membership.objects.filter(user=user).values("partnership_id")
    of_areas = AreaMembership.objects.filter(user=user).values("area_id")
    return set(Partnership.objects.filter(Q(pk__in=member) | Q(area__in=of_areas)).values_list("pk", flat=True))


def test_the_literal_ids_are_the_partnerships_the_policy_gives(three_worlds):
    area, worlds = three_worlds
    for name, user in _users(area, worlds).items():
        assert set(partnership_ids_visible_to(user)) == _by_definition(user), name
        assert set(partnerships_visible_to(user).values_list("pk", flat=True)) == _by_definition(user), name


def test_reviews_are_those_of_the_updates_the_user_may_see(three_worlds):
    area, worlds = three_worlds
    # An archived review, a review of an archived update, and one of an archived plan's update.
    now = timezone.now()
    Review.objects.filter(pk=worlds[1].review.pk).update(archived_at=now)
    type(worlds[2].update).objects.filter(pk=worlds[2].update.pk).update(archived_at=now)
    archived_plan = PlanFactory(partnership=worlds[0].partnership, archived_at=now)
    update = QuarterlyUpdateFactory(objective=ObjectiveFactory(plan=archived_plan), period=worlds[0].period)
    Review.objects.create(update=update, decision=Review.Decision.APPROVED, reviewer=UserFactory())
    for name, user in _users(area, worlds).items():
        for include_archived in (False, True):
            updates = updates_visible_to(user, include_archived=include_archived)
            old_shape = Review.objects.filter(update__in=updates)
            if not include_archived:
                old_shape = old_shape.filter(archived_at__isnull=True)
            got = list(reviews_for_api(user, include_archived=include_archived).values_list("pk", flat=True))
            assert sorted(got) == sorted(old_shape.values_list("pk", flat=True)), (name, include_archived)


def test_an_area_analyst_lists_the_reviews_and_updates_of_their_area_only(three_worlds):
    area, worlds = three_worlds
    analyst = UserFactory()
    AreaMembershipFactory(user=analyst, area=area)
    client = client_for(analyst)
    for endpoint, key in (("reviews", "review"), ("updates", "update"), ("objectives", "objective")):
        ids = {row["id"] for row in client.get(f"/api/{endpoint}/").json()["results"]}
        assert ids == {getattr(worlds[1], key).pk, getattr(worlds[2], key).pk}, endpoint
