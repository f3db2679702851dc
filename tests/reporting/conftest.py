"""A small plan with two priorities, four objectives (one struck) and Q1/Q2 updates, for report tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from csp.models import RagStatus, ReportingPeriod
from csp.services import reporting_periods_ensure
from plans.models import Objective, Plan, QuarterlyUpdate
from tests.factories import (
    ExpectedOutcomeFactory,
    ObjectiveFactory,
    ObjectiveLeadFactory,
    OutcomeStatusFactory,
    PersonFactory,
    PlanFactory,
    PriorityFactory,
    QuarterlyUpdateFactory,
    SectionFactory,
)

SUBMITTED = QuarterlyUpdate.State.SUBMITTED


@dataclass
class ReportPlan:
    plan: Plan
    q1: ReportingPeriod
    q2: ReportingPeriod
    h1: ReportingPeriod
    objectives: dict[str, Objective]


def build_report_plan(partnership, *, title: str = "Safer Town action plan 2014/15") -> ReportPlan:
    """Domestic abuse (1.1 red in Q2, 1.2 green) and ASB (2.1 amber, 2.2 struck), with costs and spend."""
    periods = {(p.kind, p.number): p for p in reporting_periods_ensure(partnership=partnership, financial_year=2014)}
    q1, q2 = periods[("quarter", 1)], periods[("quarter", 2)]
    h1 = periods[("half_year", 1)]
    plan = PlanFactory(partnership=partnership, title=title, current_period=q2)
    da = PriorityFactory(partnership=partnership, code="1", title="Domestic abuse", position=1)
    asb = PriorityFactory(partnership=partnership, code="2", title="Anti-social behaviour", position=2)
    plan.priorities.set([da, asb])
    section_da = SectionFactory(plan=plan, number="1", title="Domestic abuse", priority=da, position=1)
    section_asb = SectionFactory(plan=plan, number="2", title="Anti-social behaviour", priority=asb, position=2)
    lead = PersonFactory(partnership=partnership, name="Debbie Barker", job_title="")

    def objective(ref, title, section, priority, **fields):
        obj = ObjectiveFactory(plan=plan, ref=ref, title=title, section=section, **fields)
        obj.priorities.set([priority])
        return obj

    o11 = objective(
        "1.1",
        "Run a domestic abuse awareness campaign",
        section_da,
        da,
        cost_amount=Decimal("2500.00"),
        funding_source="PCC grant",
    )
    ObjectiveLeadFactory(objective=o11, person=lead)
    o12 = objective("1.2", "Train frontline staff in DASH risk checks", section_da, da, cost_amount=Decimal("1200.50"))
    o21 = objective(
        "2.1", "Hold quarterly ASB surgeries", section_asb, asb, cost_text="Officer time", funding_source="Core"
    )
    o22 = objective(
        "2.2",
        "Set up a youth shelter",
        section_asb,
        asb,
        cost_amount=Decimal("9999.00"),
        state=Objective.State.STRUCK,
        struck_on=dt.date(2014, 8, 1),
        struck_reason="Site no longer available",
    )
    outcome = ExpectedOutcomeFactory(objective=o11, number=1, text="Two campaign events held")
    u11 = QuarterlyUpdateFactory(
        objective=o11,
        period=q1,
        rag_status=RagStatus.AMBER,
        state=SUBMITTED,
        progress="First event planned.",
        spend_to_date=Decimal("300"),
    )
    OutcomeStatusFactory(update=u11, outcome=outcome, rag_status=RagStatus.AMBER, note="One booked")
    u12 = QuarterlyUpdateFactory(
        objective=o11,
        period=q2,
        rag_status=RagStatus.RED,
        state=SUBMITTED,
        progress="Event scaled down due to resourcing issues.",
        spend_to_date=Decimal("800.25"),
    )
    OutcomeStatusFactory(update=u12, outcome=outcome, rag_status=RagStatus.RED, note="Venue lost")
    QuarterlyUpdateFactory(objective=o12, period=q1, rag_status=RagStatus.GREEN, state=SUBMITTED, progress="Done.")
    QuarterlyUpdateFactory(
        objective=o12, period=q2, rag_status=RagStatus.GREEN, state=SUBMITTED, progress="All staff trained."
    )
    QuarterlyUpdateFactory(
        objective=o21,
        period=q2,
        rag_status=RagStatus.AMBER,
        state=SUBMITTED,
        progress='Two surgeries held; =HYPERLINK("http://evil") noted.',
    )
    # A draft does not count: 2.1 in Q1 is 'not updated' in every report.
    QuarterlyUpdateFactory(objective=o21, period=q1, rag_status=RagStatus.GREEN, state=QuarterlyUpdate.State.DRAFT)
    return ReportPlan(plan=plan, q1=q1, q2=q2, h1=h1, objectives={"1.1": o11, "1.2": o12, "2.1": o21, "2.2": o22})


@pytest.fixture
def report_plan(partnership) -> ReportPlan:
    return build_report_plan(partnership)


def pdf_text(job) -> str:
    """The text of a job's PDF, whitespace collapsed."""
    from pypdf import PdfReader

    with job.pdf.open("rb") as handle:
        text = " ".join(page.extract_text() for page in PdfReader(handle).pages)
    return " ".join(text.split())


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
