"""Each rule's query expression and its Python twin agree, and every surface (API, pages, services) obeys them."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from csp.models import RagStatus, ReportingPeriod
from csp.services import reporting_periods_ensure
from plans.models import Objective, QuarterlyUpdate
from plans.rules import (
    LEAD_ORGANISATION_PREFETCH,
    PRIORITY_PREFETCH,
    addresses_priority,
    addresses_priority_q,
    lead_organisation_ids,
    led_by_agency_q,
    milestone_is_overdue,
    milestone_overdue_q,
    objective_is_overdue,
    objective_overdue_q,
    update_period_allowed,
    update_periods_q,
)
from plans.selectors.status import (
    STATUS_ORDER,
    PeriodStatus,
    outcome_period_status,
    period_status,
    period_status_rank_expression,
    with_period_status,
)
from plans.services.updates import UpdateInput, update_save_draft
from tests.api.conftest import client_for
from tests.factories import (
    AgencyFactory,
    MilestoneFactory,
    ObjectiveFactory,
    ObjectiveLeadFactory,
    OutcomeStatusFactory,
    PersonFactory,
    PlanFactory,
    PriorityFactory,
    QuarterFactory,
    QuarterlyUpdateFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

STATES = [state.value for state in QuarterlyUpdate.State]
RAGS = [rag.value for rag in RagStatus]
EXPECTED_STATUS = {
    RagStatus.RED: PeriodStatus.RED,
    RagStatus.AMBER: PeriodStatus.AMBER,
    RagStatus.GREEN: PeriodStatus.GREEN,
    RagStatus.NOT_UPDATED: PeriodStatus.NO_STATUS,
}


# An objective's status in a period ------------------------------------------------------------------------


def _objective_with_update(state, rag):
    """An objective, a quarter of its plan, and its update for that quarter in `state` (None: no update)."""
    objective = ObjectiveFactory()
    quarter = QuarterFactory(partnership=objective.plan.partnership)
    update = None
    if state is not None:
        update = QuarterlyUpdateFactory(objective=objective, period=quarter, state=state, rag_status=rag)
    return objective, quarter, update


@pytest.mark.parametrize(("state", "rag"), [*itertools.product(STATES, RAGS), (None, None)])
def test_status_annotation_equals_the_python_rule_for_every_update_state(state, rag):
    objective, quarter, update = _objective_with_update(state, rag)
    annotated = with_period_status(Objective.objects.filter(pk=objective.pk), quarter).get().period_status
    assert annotated == period_status(update)
    counted = state in (QuarterlyUpdate.State.SUBMITTED, QuarterlyUpdate.State.APPROVED)
    assert annotated == (EXPECTED_STATUS[rag] if counted else PeriodStatus.NO_UPDATE)


@pytest.mark.parametrize(("state", "rag"), [*itertools.product(STATES, RAGS), (None, None)])
def test_status_rank_annotation_is_the_python_rules_place_in_the_status_order(state, rag):
    objective, quarter, update = _objective_with_update(state, rag)
    rank = (
        Objective.objects.filter(pk=objective.pk)
        .annotate(rank=period_status_rank_expression(quarter))
        .values_list("rank", flat=True)
        .get()
    )
    assert rank == STATUS_ORDER.index(period_status(update))


def test_the_two_no_status_cases_have_distinct_words():
    assert PeriodStatus.label(PeriodStatus.NO_UPDATE) == "No update"
    assert PeriodStatus.label(PeriodStatus.NO_STATUS) == "Update gives no status"


@pytest.mark.parametrize("state", STATES)
def test_an_outcome_status_counts_only_with_its_update(state):
    status = OutcomeStatusFactory(update__state=state, rag_status=RagStatus.RED)
    counted = state in (QuarterlyUpdate.State.SUBMITTED, QuarterlyUpdate.State.APPROVED)
    expected = PeriodStatus.RED if counted else PeriodStatus.NO_UPDATE
    assert outcome_period_status(status.update, status) == expected


# Objective addresses priority -----------------------------------------------------------------------------


def _priority_plan(*, plan_flag: bool):
    """Every route: own priorities (one and two), a section's priority, the objective's flag, none at all."""
    plan = PlanFactory(objectives_address_all_priorities=plan_flag)
    p1, p2, p3 = (PriorityFactory(partnership=plan.partnership) for _ in range(3))
    plan.priorities.add(p1, p2)
    section = SectionFactory(plan=plan, priority=p3)
    bare_section = SectionFactory(plan=plan)
    own = ObjectiveFactory(plan=plan, section=bare_section, ref="own")
    own.priorities.add(p1)
    two = ObjectiveFactory(plan=plan, section=section, ref="two")
    two.priorities.add(p1, p2)
    ObjectiveFactory(plan=plan, section=section, ref="section")
    ObjectiveFactory(plan=plan, section=bare_section, ref="flag", addresses_all_priorities=True)
    ObjectiveFactory(plan=plan, section=bare_section, ref="none")
    return plan, (p1, p2, p3)


@pytest.mark.parametrize("plan_flag", [False, True])
def test_addresses_priority_query_equals_the_python_predicate(plan_flag):
    plan, priorities = _priority_plan(plan_flag=plan_flag)
    objectives = list(plan.objectives.select_related("section").prefetch_related(*PRIORITY_PREFETCH))
    for priority in priorities:
        by_query = set(plan.objectives.filter(addresses_priority_q(priority)).values_list("ref", flat=True))
        by_python = {o.ref for o in objectives if addresses_priority(o, priority.pk)}
        assert by_query == by_python, priority


# p1, p2 are the plan's; p3 is a section's, so 'all priorities' includes it.
WITHOUT_PLAN_FLAG = [{"own", "two", "flag"}, {"two", "flag"}, {"two", "section", "flag"}]
# The plan's flag reaches every objective that names no priority of its own.
NAMES_NONE = {"section", "flag", "none"}
WITH_PLAN_FLAG = [{"own", "two", *NAMES_NONE}, {"two", *NAMES_NONE}, {"two", *NAMES_NONE}]


@pytest.mark.parametrize(("plan_flag", "expected"), [(False, WITHOUT_PLAN_FLAG), (True, WITH_PLAN_FLAG)])
def test_addresses_priority_routes(plan_flag, expected):
    plan, priorities = _priority_plan(plan_flag=plan_flag)
    found = [set(plan.objectives.filter(addresses_priority_q(p)).values_list("ref", flat=True)) for p in priorities]
    assert found == expected


def test_api_and_dashboard_priority_filters_use_the_rule(client, make_member):
    plan, (p1, p2, p3) = _priority_plan(plan_flag=True)
    user = make_member(plan.partnership, "coordinator")
    api = client_for(user)
    listed = api.get("/api/objectives/", {"priority": p3.pk, "plan": plan.pk, "page_size": 100}).json()["results"]
    assert {row["ref"] for row in listed} == {"two", "section", "flag", "none"}
    client.force_login(user)
    page = client.get(reverse("plans:review_dashboard"), {"plan": plan.pk, "status": "all", "priority": p3.pk})
    assert {o.ref for o in page.context["page_obj"].object_list} == {"two", "section", "flag", "none"}


# An objective's lead organisations ------------------------------------------------------------------------


@pytest.fixture
def led_plan():
    """Sussex Police leads one objective as a lead agency, one through its officer, one as a lead's agency."""
    plan = PlanFactory()
    police = AgencyFactory(partnership=plan.partnership, name="Sussex Police")
    council = AgencyFactory(partnership=plan.partnership, name="Borough Council")
    by_agency = ObjectiveFactory(plan=plan, ref="agency")
    by_agency.lead_agencies.add(police)
    officer = PersonFactory(partnership=plan.partnership, agency=police)
    ObjectiveLeadFactory(objective=ObjectiveFactory(plan=plan, ref="officer"), person=officer)
    ObjectiveLeadFactory(objective=ObjectiveFactory(plan=plan, ref="recorded"), agency=police)
    council_led = ObjectiveFactory(plan=plan, ref="council")
    council_led.lead_agencies.add(council)
    return plan, police, council


def test_lead_organisation_query_equals_the_python_rule(led_plan):
    plan, police, council = led_plan
    objectives = list(plan.objectives.prefetch_related(*LEAD_ORGANISATION_PREFETCH))
    for agency in (police, council):
        by_query = set(plan.objectives.filter(led_by_agency_q(agency)).values_list("ref", flat=True))
        assert by_query == {o.ref for o in objectives if agency.pk in lead_organisation_ids(o)}
    assert set(plan.objectives.filter(led_by_agency_q(police)).values_list("ref", flat=True)) == {
        "agency",
        "officer",
        "recorded",
    }


def test_api_agency_filter_finds_objectives_led_through_officers(led_plan, make_member):
    plan, police, _council = led_plan
    api = client_for(make_member(plan.partnership, "viewer"))
    listed = api.get("/api/objectives/", {"agency": police.pk, "page_size": 100}).json()["results"]
    assert {row["ref"] for row in listed} == {"agency", "officer", "recorded"}


# Overdue --------------------------------------------------------------------------------------------------

DAYS = [dt.date(2014, 6, 29), dt.date(2014, 6, 30), dt.date(2014, 7, 1), dt.date(2014, 8, 1)]


@pytest.mark.parametrize("on", DAYS)
def test_overdue_queries_equal_the_python_rules(on):
    plan = PlanFactory()
    cases = [
        (dt.date(2014, 6, 30), None, None),
        (dt.date(2014, 6, 30), dt.date(2014, 7, 15), None),
        (None, None, dt.date(2014, 6, 30)),
        (None, None, None),
        (dt.date(2014, 6, 30), None, Objective.State.COMPLETED),
    ]
    for index, (milestone_due, completed, own_due_or_state) in enumerate(cases):
        state = own_due_or_state if isinstance(own_due_or_state, str) else Objective.State.ACTIVE
        own_due = own_due_or_state if isinstance(own_due_or_state, dt.date) else None
        objective = ObjectiveFactory(plan=plan, ref=f"o{index}", due_date=own_due, state=state)
        if milestone_due:
            MilestoneFactory(objective=objective, due_date=milestone_due, completed_on=completed)
    objectives = list(plan.objectives.prefetch_related("milestones"))
    by_query = set(plan.objectives.filter(objective_overdue_q(on)).values_list("ref", flat=True))
    assert by_query == {o.ref for o in objectives if objective_is_overdue(o, on)}
    milestones = [m for o in objectives for m in o.milestones.all()]
    overdue_ids = set(
        type(milestones[0]).objects.filter(milestone_overdue_q(on), objective__plan=plan).values_list("pk", flat=True)
    )
    assert overdue_ids == {m.pk for m in milestones if milestone_is_overdue(m, on)}


# Which periods an update may be for -----------------------------------------------------------------------


def test_update_periods_query_equals_the_python_rule():
    plan = PlanFactory()
    periods = []
    for year in (2013, 2014, 2015, 2019):
        periods += reporting_periods_ensure(partnership=plan.partnership, financial_year=year)
    by_query = set(ReportingPeriod.objects.filter(update_periods_q(plan)).values_list("pk", flat=True))
    assert by_query == {p.pk for p in periods if update_period_allowed(plan, p)}
    assert len(by_query) == 4


@pytest.mark.parametrize(("kind", "year"), [("half_year", 2014), ("year", 2014), ("quarter", 2019)])
def test_the_update_service_refuses_a_period_outside_the_plans_quarters(kind, year, make_member):
    objective = ObjectiveFactory()
    periods = reporting_periods_ensure(partnership=objective.plan.partnership, financial_year=year)
    period = next(p for p in periods if p.kind == kind)
    user = make_member(objective.plan.partnership, "coordinator")
    with pytest.raises(ValidationError) as refused:
        update_save_draft(user=user, objective=objective, period=period, data=UpdateInput(), version=0)
    assert "period" in refused.value.message_dict
    assert not QuarterlyUpdate.objects.filter(objective=objective).exists()


@pytest.mark.parametrize(("kind", "year"), [("half_year", 2014), ("quarter", 2019)])
def test_api_refuses_an_update_for_a_period_outside_the_plan_with_a_field_message(kind, year, make_member):
    objective = ObjectiveFactory()
    periods = reporting_periods_ensure(partnership=objective.plan.partnership, financial_year=year)
    period = next(p for p in periods if p.kind == kind)
    api = client_for(make_member(objective.plan.partnership, "coordinator"))
    response = api.post(
        "/api/updates/", {"objective": objective.pk, "period": period.pk, "progress": "x"}, format="json"
    )
    assert response.status_code == 400, response.content
    assert "period" in response.json()
    assert not QuarterlyUpdate.objects.filter(objective=objective).exists()


def test_api_accepts_an_update_for_one_of_the_plans_quarters(make_member):
    objective = ObjectiveFactory()
    periods = reporting_periods_ensure(partnership=objective.plan.partnership, financial_year=2014)
    quarter = next(p for p in periods if p.kind == "quarter")
    api = client_for(make_member(objective.plan.partnership, "coordinator"))
    response = api.post(
        "/api/updates/", {"objective": objective.pk, "period": quarter.pk, "progress": "x"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["counted_status"] == PeriodStatus.NO_UPDATE
    assert response.json()["counted_status_label"] == "No update"


def test_the_item_page_lists_the_priorities_the_rule_gives(client, make_member):
    plan, (p1, p2, p3) = _priority_plan(plan_flag=True)
    client.force_login(make_member(plan.partnership, "viewer"))
    none_named = plan.objectives.get(ref="none")
    page = client.get(reverse("plans:objective_detail", args=[none_named.pk]))
    assert page.context["addressed_priorities"] == sorted([p1, p2, p3], key=lambda p: (p.position, p.code, p.pk))
    own = plan.objectives.get(ref="own")
    assert client.get(reverse("plans:objective_detail", args=[own.pk])).context["addressed_priorities"] == [p1]
