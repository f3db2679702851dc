"""A small plan built with factories that uses every exported column, for the export tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from plans.models import LeadKind, MilestoneLead, Objective, Plan
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    ExpectedOutcomeFactory,
    GroupFactory,
    MilestoneFactory,
    ObjectiveFactory,
    ObjectiveLeadFactory,
    PartnershipFactory,
    PersonFactory,
    PlanFactory,
    PriorityFactory,
    SectionFactory,
)


@dataclass
class SmallPlan:
    plan: Plan
    first: Objective
    second: Objective
    struck: Objective
    archived: Objective


def small_plan(partnership=None) -> SmallPlan:
    """Two sections; objectives with several leads of different kinds, outcomes, milestones (one undated,
    one with two leads), a struck objective, an archived one, and a value starting with "="."""
    partnership = partnership or PartnershipFactory(name="Stevenage Community Safety Partnership")
    council = AgencyFactory(partnership=partnership, name="Stevenage Borough Council", short_name="SBC")
    police = AgencyFactory(partnership=partnership, name="Hertfordshire Constabulary", short_name="Police")
    probation = AgencyFactory(partnership=partnership, name="Probation Service", short_name="")
    odg = GroupFactory(partnership=partnership, name="Officers Delivery Group", short_name="ODG")
    jag = GroupFactory(partnership=partnership, name="Joint Action Group", short_name="JAG")
    alex = PersonFactory(partnership=partnership, name="Alex Hepton", agency=council)
    michael = PersonFactory(partnership=partnership, name="Michael Nadasdy")
    abuse = PriorityFactory(partnership=partnership, code="1", title="Domestic abuse", position=1)
    asb = PriorityFactory(partnership=partnership, code="2", title="ASB, criminal damage", position=2)
    plan = PlanFactory(
        partnership=partnership,
        title="Action plan 2014/15",
        period_label="2014/15",
        period_start=dt.date(2014, 4, 1),
        period_end=dt.date(2015, 3, 31),
    )
    plan.priorities.set([abuse, asb])
    section_one = SectionFactory(plan=plan, number="1", title="Domestic abuse", priority=abuse, position=1)
    section_two = SectionFactory(plan=plan, number="2", title="ASB, criminal damage", priority=asb, position=2)

    first = ObjectiveFactory(
        plan=plan,
        section=section_one,
        ref="1.1",
        title="Support the work of the DA coordinator",
        theme="Awareness",
        position=1,
        due_text="March 2015",
        due_date=dt.date(2015, 3, 31),
        resources="Existing resources / officer time.\nExternal funding streams.",
        cost_amount=Decimal("1500.00"),
        target_and_indicator="=SUM(A1:A3) reported cases",
    )
    first.priorities.set([abuse, asb])
    first.lead_groups.set([odg])
    first.lead_agencies.set([council, probation])
    ObjectiveLeadFactory(objective=first, person=alex, agency=council, kind=LeadKind.LEAD, position=1)
    ObjectiveLeadFactory(
        objective=first,
        person=None,
        job_title="Chief Inspector",
        agency=police,
        kind=LeadKind.IN_CONJUNCTION,
        position=2,
    )
    ObjectiveLeadFactory(objective=first, person=michael, group=jag, kind=LeadKind.REPORTING_OFFICER, position=3)
    ActionFactory(objective=first, text="Continue awareness raising.", position=1)
    ActionFactory(objective=first, text="Run a campaign in November.", position=2)
    ExpectedOutcomeFactory(objective=first, number=1, text="At least one campaign undertaken this year.")
    ExpectedOutcomeFactory(objective=first, number=2, text="20% annual increase in reporting.")
    dated = MilestoneFactory(
        objective=first, text="Campaign planned", due_date=dt.date(2014, 9, 30), due_text="September 2014", position=1
    )
    MilestoneLead.objects.create(milestone=dated, person=alex, agency=council, position=1)
    MilestoneLead.objects.create(milestone=dated, group=odg, kind=LeadKind.IN_CONJUNCTION, position=2)
    MilestoneFactory(objective=first, text="Partners briefed", due_date=None, due_text="", position=2)
    MilestoneFactory(
        objective=first,
        text="Campaign run",
        due_date=dt.date(2014, 11, 30),
        due_text="",
        lead_text="Community Safety Team",
        position=3,
    )

    second = ObjectiveFactory(
        plan=plan,
        section=section_two,
        ref="2.1",
        title="Focus on repeat victims of ASB",
        position=1,
        due_text="Ongoing",
        due_date=None,
        cost_text="Officer time",
        lead_text="ODG (All)",
    )
    struck = ObjectiveFactory(
        plan=plan,
        section=section_two,
        ref="2.2",
        title="Run Operation Marble",
        position=2,
        due_text="",
        due_date=dt.date(2014, 6, 30),
        state=Objective.State.STRUCK,
        struck_on=dt.date(2014, 7, 1),
        struck_reason="The police ended the operation.",
    )
    archived = ObjectiveFactory(plan=plan, section=section_two, ref="2.3", title="Archived objective", position=3)
    archived.archived_at = dt.datetime(2014, 8, 1, tzinfo=dt.UTC)
    archived.save()
    return SmallPlan(plan=plan, first=first, second=second, struck=struck, archived=archived)


def plan_with_objectives(count: int, plan: Plan | None = None) -> Plan:
    """A plan whose `count` objectives each have every part an export reads (for query counts)."""
    plan = plan or PlanFactory()
    partnership = plan.partnership
    priority = PriorityFactory(partnership=partnership)
    section = SectionFactory(plan=plan, priority=priority)
    agency = AgencyFactory(partnership=partnership)
    group = GroupFactory(partnership=partnership)
    for _ in range(count):
        objective = ObjectiveFactory(plan=plan, section=section)
        objective.priorities.set([priority])
        objective.lead_agencies.set([agency])
        objective.lead_groups.set([group])
        ObjectiveLeadFactory(objective=objective, agency=agency, group=group)
        ActionFactory(objective=objective)
        ExpectedOutcomeFactory(objective=objective, number=1)
        milestone = MilestoneFactory(objective=objective)
        MilestoneLead.objects.create(milestone=milestone, agency=agency, group=group)
    return plan
