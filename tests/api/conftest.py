"""A small world for the API tests: two partnerships with a whole plan each, and a user per role in the first."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest
from rest_framework.test import APIClient

from csp.models import Group, Role
from csp.tokens import api_token_create
from plans.models import ConsultationActivity, MilestoneLead, QuarterlyUpdate, Review
from priorities.models import Theme
from reporting.models import ReportJob
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    ExpectedOutcomeFactory,
    GroupFactory,
    IndicatorFactory,
    IndicatorReadingFactory,
    MilestoneFactory,
    ObjectiveFactory,
    ObjectiveLeadFactory,
    OutcomeStatusFactory,
    PartnershipFactory,
    PersonFactory,
    PlanFactory,
    PriorityFactory,
    QuarterFactory,
    QuarterlyUpdateFactory,
    SectionFactory,
    UserFactory,
)


@dataclass
class PartnershipWorld:
    """One partnership's objects, one of each kind the API serves."""

    partnership: object
    agency: object
    person: object
    group: object
    board: object
    period: object
    priority: object
    theme: object
    indicator: object
    reading: object
    plan: object
    section: object
    consultation: object
    objective: object
    update: object
    review: object
    objects: dict = field(default_factory=dict)


def build_partnership_world(partnership=None) -> PartnershipWorld:
    partnership = partnership or PartnershipFactory()
    agency = AgencyFactory(partnership=partnership)
    person = PersonFactory(partnership=partnership, agency=agency)
    group = GroupFactory(partnership=partnership, chair=person)
    board = GroupFactory(partnership=partnership, kind=Group.Kind.BOARD, name=f"RAG {partnership.pk}")
    period = QuarterFactory(partnership=partnership, number=1)
    priority = PriorityFactory(partnership=partnership, narrative_what="What it is")
    theme = Theme.objects.create(priority=priority, title="Personal harm")
    indicator = IndicatorFactory(partnership=partnership, priority=priority, code="NI 20")
    reading = IndicatorReadingFactory(indicator=indicator, period=period)
    plan = PlanFactory(partnership=partnership, owning_group=group, current_period=period)
    plan.priorities.add(priority)
    section = SectionFactory(plan=plan, priority=priority)
    consultation = ConsultationActivity.objects.create(plan=plan, activity="Residents' survey")
    objective = ObjectiveFactory(plan=plan, section=section)
    objective.priorities.add(priority)
    ActionFactory(objective=objective)
    outcome = ExpectedOutcomeFactory(objective=objective, number=1)
    MilestoneLead.objects.create(milestone=MilestoneFactory(objective=objective), person=person, agency=agency)
    ObjectiveLeadFactory(objective=objective, person=person, agency=agency)
    update = QuarterlyUpdateFactory(objective=objective, period=period, state=QuarterlyUpdate.State.SUBMITTED)
    OutcomeStatusFactory(update=update, outcome=outcome)
    reviewer = UserFactory()
    review = Review.objects.create(
        update=update, decision=Review.Decision.ESCALATED, comment="To the board", reviewer=reviewer
    )
    world = PartnershipWorld(
        partnership,
        agency,
        person,
        group,
        board,
        period,
        priority,
        theme,
        indicator,
        reading,
        plan,
        section,
        consultation,
        objective,
        update,
        review,
    )
    report = ReportJob.objects.create(
        kind=ReportJob.Kind.BOARD, partnership=partnership, plan=plan, period=period, requested_by=reviewer
    )
    world.report = report
    world.objects = {
        "partnerships": partnership,
        "agencies": agency,
        "people": person,
        "groups": group,
        "reporting-periods": period,
        "priorities": priority,
        "indicators": indicator,
        "indicator-readings": reading,
        "plans": plan,
        "sections": section,
        "consultation-activities": consultation,
        "objectives": objective,
        "updates": update,
        "reviews": review,
        "reports": report,
    }
    return world


@pytest.fixture
def world(db):
    return build_partnership_world()


@pytest.fixture
def other_world(db):
    return build_partnership_world()


@pytest.fixture
def member(world, make_member):
    """member('viewer') -> a user with that role in the world's partnership."""

    def _member(*roles, person=None):
        return make_member(world.partnership, *roles, person=person)

    return _member


# Token names are unique per user; clients made at once on several threads must not pick the same one.
_CLIENT_NUMBERS = itertools.count(1)


def client_for(user) -> APIClient:
    """An API client authenticated by a new read-write token of the user, as a script would be."""
    _, secret = api_token_create(user=user, name=f"Test client {next(_CLIENT_NUMBERS)}")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


@pytest.fixture
def api_as(member):
    """api_as('coordinator') -> a token-authenticated client of a new member with those roles."""

    def _api(*roles, person=None):
        return client_for(member(*roles, person=person))

    return _api


ROLES = [role.value for role in Role]


# Every list endpoint of the API, for the permission and query-count matrices.
ENDPOINTS = [
    "partnerships",
    "agencies",
    "people",
    "groups",
    "reporting-periods",
    "priorities",
    "indicators",
    "indicator-readings",
    "plans",
    "sections",
    "consultation-activities",
    "objectives",
    "updates",
    "reviews",
    "reports",
]
