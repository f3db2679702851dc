"""Issue 14 point 3: board and PCC reports show the plan's indicators with their trend against target."""

from __future__ import annotations

import subprocess
from decimal import Decimal

import pytest

from csp.models import PartnershipPopulation
from priorities.models import Indicator
from priorities.services import indicator_settings_update, reading_record
from reporting.models import ReportJob
from reporting.rendering import html_to_pdf, report_templates
from tests.browser_fixtures import ARTIFACTS
from tests.factories import IndicatorFactory, PriorityFactory, QuarterFactory
from tests.plans.test_updates_services import domestic_abuse_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    item = domestic_abuse_item()
    plan = item.objective.plan
    priority = PriorityFactory(partnership=item.partnership, code="6", title="Anti-social behaviour")
    plan.priorities.add(priority)
    q3 = QuarterFactory(partnership=item.partnership, financial_year=2014, number=3)
    PartnershipPopulation.objects.create(partnership=item.partnership, financial_year=2014, population=84_000)
    asb = IndicatorFactory(
        partnership=item.partnership,
        priority=priority,
        name="ASB per 1000 head of population",
        unit=Indicator.Unit.RATE_PER_1000,
    )
    indicator_settings_update(indicator=asb, tolerance_percent=Decimal("5"), targets_by_year={2014: Decimal("5")})
    for period, count in ((item.q1, "420"), (item.q2, "471"), (q3, "300")):
        reading_record(indicator=asb, period=period, value=Decimal(count))
    return item, plan, q3


@pytest.mark.parametrize("kind", [ReportJob.Kind.BOARD, ReportJob.Kind.PCC])
def test_the_report_lists_indicators_up_to_its_period_with_a_chart(world, kind):
    item, plan, _ = world
    job = ReportJob.objects.create(kind=kind, partnership=item.partnership, plan=plan, period=item.q2)
    _, body = report_templates(job)
    assert 'id="indicators"' in body
    assert "ASB per 1000 head of population" in body
    # Q2: 471 / 84,000 x 1,000 = 5.61 against 5.00 -> red; worse than Q1's 5.00. Q3's reading is after the period.
    assert "5.61" in body
    assert "Getting worse" in body
    assert "3.57" not in body  # Q3's 300 / 84 = 3.57 is not in a Q2 report
    assert "<desc>Q1 2014/15: 5 against a target of 5; Q2 2014/15: 5.61 against a target of 5</desc>" in body


def test_the_pdf_carries_the_indicator_section(world):
    item, plan, _ = world
    job = ReportJob.objects.create(kind=ReportJob.Kind.BOARD, partnership=item.partnership, plan=plan, period=item.q2)
    document, _ = report_templates(job)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / "board-report-indicators.pdf"  # kept for a person to look at
    pdf.write_bytes(html_to_pdf(document))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Indicators" in text
    assert "ASB per 1000 head of population" in text
    assert "5.61" in text
