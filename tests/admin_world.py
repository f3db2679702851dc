"""One row of every model the admin shows, all in one partnership: the admin tests' world."""

from __future__ import annotations

from csp.models import Group, Partnership, PartnershipPopulation
from plans.models import ChangeProposal, Comment, ConsultationActivity, Escalation, Reminder, Review
from priorities.models import Theme
from reporting.models import ReportJob
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    AreaFactory,
    AreaMembershipFactory,
    GroupFactory,
    IndicatorReadingFactory,
    MembershipFactory,
    MilestoneFactory,
    ObjectiveLeadFactory,
    OutcomeStatusFactory,
    PriorityFactory,
    SectionFactory,
)


def one_of_everything_in_a_partnership() -> Partnership:
    """A new partnership with at least one row of every registered model of our apps."""
    status = OutcomeStatusFactory()
    update = status.update
    objective = update.objective
    plan = objective.plan
    partnership = plan.partnership
    partnership.area = AreaFactory()
    partnership.save()
    AreaMembershipFactory(area=partnership.area)
    agency = AgencyFactory(partnership=partnership)
    user = MembershipFactory(partnership=partnership, roles=("coordinator",), agency=agency).user
    priority = PriorityFactory(partnership=partnership)
    Theme.objects.create(priority=priority, title="Personal harm")
    IndicatorReadingFactory(indicator__partnership=partnership, indicator__priority=priority)
    SectionFactory(plan=plan, priority=priority)
    ConsultationActivity.objects.create(plan=plan, activity="Face the People", key_results="ASB")
    ActionFactory(objective=objective)
    MilestoneFactory(objective=objective)
    ObjectiveLeadFactory(objective=objective)
    PartnershipPopulation.objects.create(partnership=partnership, financial_year=2014, population=86000)
    board = GroupFactory(partnership=partnership, kind=Group.Kind.BOARD, name="Responsible Authorities Group")
    Review.objects.create(update=update, decision=Review.Decision.APPROVED, reviewer=user)
    Escalation.objects.create(objective=objective, update=update, board=board, note="Off track", raised_by=user)
    ChangeProposal.objects.create(
        objective=objective, kind=ChangeProposal.Kind.STRIKE, reason="No resource", proposed_by=user
    )
    Comment.objects.create(objective=objective, author=user, text="Why is it red?")
    lead = objective.leads.first()
    ReportJob.objects.create(
        kind=ReportJob.Kind.BOARD, partnership=partnership, plan=plan, period=update.period, requested_by=user
    )
    Reminder.objects.create(
        person=lead.person, period=update.period, kind=Reminder.Kind.BEFORE_DEADLINE, email="lead@example.org"
    )
    return partnership
