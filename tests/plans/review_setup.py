"""A small partnership for the review tests: an ODG that owns an item, another group, a board, and people."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from csp.models import Group, Partnership, Person, RagStatus, ReportingPeriod, Role
from plans.models import Objective, Plan, QuarterlyUpdate
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    ObjectiveFactory,
    ObjectiveLeadFactory,
    PartnershipFactory,
    PersonFactory,
    PlanFactory,
    QuarterFactory,
    QuarterlyUpdateFactory,
    SectionFactory,
)

BOARD_MEETING = dt.date(2014, 10, 20)
# Who each role in the permission matrices is.
ROLES = ("coordinator", "chair", "other_chair", "lead", "analyst", "viewer", "outsider")


@dataclass
class ReviewWorld:
    partnership: Partnership
    plan: Plan
    q1: ReportingPeriod
    q2: ReportingPeriod
    odg: Group
    jag: Group
    board: Group
    objective: Objective
    update: QuarterlyUpdate
    users: dict

    def user(self, role: str):
        return self.users[role]


def _member(partnership, *roles, person: Person | None = None, username: str):
    return MembershipFactory(partnership=partnership, roles=roles, person=person, username=username).user


def build_review_world(*, update_state: str = QuarterlyUpdate.State.SUBMITTED, prefix: str = "") -> ReviewWorld:
    """One partnership with a submitted Q1 update on an ODG item, and a user for each role."""
    partnership = PartnershipFactory()
    q1 = QuarterFactory(partnership=partnership, number=1)
    q2 = QuarterFactory(partnership=partnership, number=2)
    chair_person = PersonFactory(partnership=partnership, name=f"{prefix}Chair of the ODG")
    other_chair_person = PersonFactory(partnership=partnership, name=f"{prefix}Chair of the JAG")
    lead_person = PersonFactory(partnership=partnership, name=f"{prefix}Debbie Barker", email="debbie@example.org")
    odg = GroupFactory(partnership=partnership, name="Operational Delivery Group", chair=chair_person)
    jag = GroupFactory(
        partnership=partnership, name="Joint Action Group", kind=Group.Kind.JAG, chair=other_chair_person
    )
    board = GroupFactory(
        partnership=partnership,
        name="Responsible Authorities Group",
        kind=Group.Kind.BOARD,
        next_meeting=BOARD_MEETING,
    )
    plan = PlanFactory(partnership=partnership, current_period=q2)
    section = SectionFactory(plan=plan, title="Domestic abuse")
    objective = ObjectiveFactory(plan=plan, section=section, ref="DA1", title="Run a domestic abuse awareness campaign")
    objective.lead_groups.add(odg)
    ObjectiveLeadFactory(objective=objective, person=lead_person)
    users = {
        "coordinator": _member(partnership, Role.COORDINATOR, username=f"{prefix}coordinator"),
        "chair": _member(partnership, Role.GROUP_CHAIR, person=chair_person, username=f"{prefix}chair"),
        "other_chair": _member(partnership, Role.GROUP_CHAIR, person=other_chair_person, username=f"{prefix}jagchair"),
        "lead": _member(partnership, Role.LEAD_OFFICER, person=lead_person, username=f"{prefix}lead"),
        "analyst": _member(partnership, Role.ANALYST, username=f"{prefix}analyst"),
        "viewer": _member(partnership, Role.VIEWER, username=f"{prefix}viewer"),
        "outsider": _member(PartnershipFactory(), Role.COORDINATOR, username=f"{prefix}outsider"),
    }
    submitted = update_state != QuarterlyUpdate.State.DRAFT
    update = QuarterlyUpdateFactory(
        objective=objective,
        period=q1,
        rag_status=RagStatus.RED,
        state=update_state,
        progress="Campaign delayed: no venue yet.",
        author=users["lead"],
        submitted_by=users["lead"] if submitted else None,
        submitted_at=timezone.now() if submitted else None,
    )
    return ReviewWorld(
        partnership=partnership,
        plan=plan,
        q1=q1,
        q2=q2,
        odg=odg,
        jag=jag,
        board=board,
        objective=objective,
        update=update,
        users=users,
    )
