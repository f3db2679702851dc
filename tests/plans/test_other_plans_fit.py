"""A plan shaped like the real ones but not among them is held without losing a field.

It has what other partnerships' plans carry: milestones with their own dates and leads, costs in
pounds and in words, themes inside a priority, national indicators, leads given as organisation
+ jobholder title + reporting officer, and narratives per priority.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from csp.models import Agency, Group, PartnershipPopulation, Person, ReportingPeriod
from csp.services import reporting_periods_ensure
from plans.models import Action, ExpectedOutcome, Milestone, MilestoneLead, Objective, ObjectiveLead, Plan, Section
from plans.rules import leads_label
from priorities.models import Indicator, IndicatorReading, Priority, Theme
from priorities.selectors import reading_figure

pytestmark = pytest.mark.django_db


@pytest.fixture
def violent_crime_plan(partnership):
    council = Agency.objects.create(
        partnership=partnership,
        name="Anytown District Council",
        short_name="ADC",
        kind=Agency.Kind.LOCAL_AUTHORITY,
        is_responsible_authority=True,
    )
    police = Agency.objects.create(
        partnership=partnership,
        name="Anyshire Constabulary",
        short_name="Police",
        kind=Agency.Kind.POLICE,
        is_responsible_authority=True,
    )
    jobholder = Person.objects.create(
        partnership=partnership, name="Jo Bloggs", job_title="Licensing Manager", agency=council
    )
    reporting_officer = Person.objects.create(
        partnership=partnership, name="Sam Patel", job_title="Head of Community Safety", agency=council
    )
    nte = Group.objects.create(
        partnership=partnership,
        name="Night Time Economy Group",
        short_name="NTE",
        kind=Group.Kind.THEMATIC,
        chair=reporting_officer,
        meets="Six weekly",
    )
    priority = Priority.objects.create(
        partnership=partnership,
        code="VC",
        title="Violent crime",
        scope="including alcohol-related violence",
        period_start=dt.date(2012, 4, 1),
        period_end=dt.date(2015, 3, 31),
        period_label="2012-15",
        narrative_what="Assaults in public places, mostly at weekends.",
        narrative_why="Highest harm in the strategic assessment.",
        narrative_achievements="Pubwatch relaunched; injury violence down 4%.",
        narrative_plans="Extend taxi marshalling.",
        narrative_hotspots="Town centre, High Street",
        narrative_outcome="Fewer people injured at night.",
    )
    priority.lead_agencies.set([police, council])
    Theme.objects.create(priority=priority, title="Alcohol-related violence", position=1)
    Theme.objects.create(priority=priority, title="Domestic violence with injury", position=2)
    ni20 = Indicator.objects.create(
        partnership=partnership,
        priority=priority,
        code="NI 20",
        name="Assault with less serious injury",
        unit=Indicator.Unit.RATE_PER_1000,
        direction=Indicator.Direction.DOWN_IS_GOOD,
        baseline=Decimal("812"),
        baseline_label="2011/12",
        target_change_percent=Decimal("-5"),
    )
    plan = Plan.objects.create(
        partnership=partnership,
        title="Safer Anytown plan 2012-15",
        kind=Plan.Kind.STRATEGIC,
        status=Plan.Status.LIVE,
        period_start=dt.date(2012, 4, 1),
        period_end=dt.date(2015, 3, 31),
        period_label="2012-15",
    )
    section = Section.objects.create(plan=plan, number="VC", title="Violent crime", priority=priority)
    objective = Objective.objects.create(
        plan=plan,
        section=section,
        ref="VC2",
        title="Reduce alcohol-related violence in the night time economy",
        lead_text="ADC Licensing Manager (reporting officer: Head of Community Safety)",
        due_text="March 2014",
        due_date=dt.date(2014, 3, 31),
        cost_amount=Decimal("12500.00"),
        cost_text="plus officer time TBC",
        funding_source="PCC grant",
        resources="Existing resources / officer time\nPCC grant",
        how_measured="NI 20 rate per 1,000",
        how_evaluated="Quarterly review at NTE group",
        target_and_indicator="5% reduction in NI 20",
    )
    objective.priorities.set([priority])
    objective.lead_agencies.set([council])
    objective.lead_groups.set([nte])
    objective.indicators.set([ni20])
    ObjectiveLead.objects.create(
        objective=objective, person=jobholder, job_title="Licensing Manager", agency=council, kind="lead"
    )
    ObjectiveLead.objects.create(
        objective=objective,
        person=reporting_officer,
        job_title="Head of Community Safety",
        agency=council,
        kind="reporting",
    )
    Action.objects.create(objective=objective, text="Taxi marshalling on Friday and Saturday nights", position=1)
    ExpectedOutcome.objects.create(
        objective=objective,
        number=1,
        text="5% fewer assaults with injury",
        target_value=Decimal("5"),
        target_unit="%",
        indicator=ni20,
    )
    recruited = Milestone.objects.create(
        objective=objective,
        text="Marshals recruited",
        due_date=dt.date(2013, 6, 30),
        due_text="June 2013",
        position=1,
        completed_on=dt.date(2013, 6, 20),
    )
    MilestoneLead.objects.create(milestone=recruited, person=jobholder, job_title="Licensing Manager")
    evaluation = Milestone.objects.create(
        objective=objective, text="Evaluation to NTE group", due_text="Quarter 3", lead_text="NTE group", position=2
    )
    MilestoneLead.objects.create(milestone=evaluation, group=nte)
    reporting_periods_ensure(partnership=partnership, financial_year=2013)
    PartnershipPopulation.objects.create(partnership=partnership, financial_year=2013, population=120000)
    q1 = ReportingPeriod.objects.get(partnership=partnership, kind="quarter", financial_year=2013, number=1)
    IndicatorReading.objects.create(indicator=ni20, period=q1, value=Decimal("198"))
    return plan


def test_priority_keeps_narratives_themes_leads_and_national_indicator(violent_crime_plan):
    priority = Priority.objects.get(code="VC")
    assert priority.narrative_hotspots == "Town centre, High Street"
    assert priority.narrative_outcome == "Fewer people injured at night."
    assert [t.title for t in priority.themes.all()] == ["Alcohol-related violence", "Domestic violence with injury"]
    assert sorted(a.short_name for a in priority.lead_agencies.all()) == ["ADC", "Police"]
    indicator = priority.indicators.get()
    assert (indicator.code, indicator.unit) == ("NI 20", "rate_per_1000")
    assert indicator.target_figure == Decimal("771.400")


def test_objective_keeps_costs_leads_with_jobholder_titles_and_milestones(violent_crime_plan):
    objective = Objective.objects.get(ref="VC2")
    assert objective.cost_amount == Decimal("12500.00")
    assert objective.cost_text == "plus officer time TBC"
    assert objective.funding_source == "PCC grant"
    assert objective.resource_list == ["Existing resources / officer time", "PCC grant"]
    leads = [
        (lead.job_title, lead.person.name, lead.agency.short_name, lead.kind)
        for lead in objective.leads.select_related("person", "agency")
    ]
    assert leads == [
        ("Licensing Manager", "Jo Bloggs", "ADC", "lead"),
        ("Head of Community Safety", "Sam Patel", "ADC", "reporting"),
    ]
    milestones = list(objective.milestones.all())
    assert [(m.due_date, m.due_text, leads_label(m.leads.all()), m.lead_text) for m in milestones] == [
        (dt.date(2013, 6, 30), "June 2013", "Jo Bloggs, Licensing Manager", ""),
        (None, "Quarter 3", str(nte_group(objective)), "NTE group"),
    ]
    assert milestones[0].completed_on == dt.date(2013, 6, 20)
    assert objective.outcomes.get().indicator.code == "NI 20"


def test_rate_per_thousand_is_derived_from_the_population_of_the_year(violent_crime_plan):
    reading = IndicatorReading.objects.select_related("indicator", "period").get()
    assert reading_figure(reading) == Decimal("1.65")  # 198 / 120,000 * 1,000


def nte_group(objective):
    return objective.lead_groups.get()
