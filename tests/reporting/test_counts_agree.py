"""The board report's status counts and the chairs' review dashboard give the same numbers."""

from __future__ import annotations

import pytest

from csp.models import ReportingPeriod
from plans.demo import demo_load
from plans.models import Plan
from plans.selectors.reviews import objectives_for_review, status_counts_by_section
from plans.selectors.status import STATUS_ORDER, PeriodStatus
from reporting.selectors import plan_status_totals, status_counts_by_priority

pytestmark = pytest.mark.django_db


@pytest.fixture
def stevenage_q1(db):
    demo_load()
    plan = Plan.objects.get(partnership__slug="stevenage")
    q1 = ReportingPeriod.objects.get(partnership=plan.partnership, kind="quarter", financial_year=2014, number=1)
    return plan, q1


def test_board_report_counts_match_the_review_dashboard(stevenage_q1):
    plan, q1 = stevenage_q1
    sections, total = status_counts_by_section(plan=plan, queryset=objectives_for_review(plan=plan, period=q1))
    report_rows = status_counts_by_priority(plan, q1)
    assert plan_status_totals(plan, q1) == {status: total.counts.get(status, 0) for status in STATUS_ORDER}
    # Stevenage has one section per priority: the rows agree one by one too.
    dashboard = [[count for _, _, count in row.ordered()] for row in sections]
    report = [[count for _, count in row.ordered] for row in report_rows]
    assert report == dashboard


def test_stevenage_q1_counts_are_the_documents(stevenage_q1):
    plan, q1 = stevenage_q1
    totals = plan_status_totals(plan, q1)
    # The 21 submitted updates without a colour give no status: they are not 'no update'.
    assert totals == {
        PeriodStatus.RED: 5,
        PeriodStatus.AMBER: 1,
        PeriodStatus.GREEN: 0,
        PeriodStatus.NO_STATUS: 21,
        PeriodStatus.NO_UPDATE: 0,
    }
