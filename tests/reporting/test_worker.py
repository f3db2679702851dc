"""Each kind of report made by a real Celery worker on Redis, with the PDF read back."""

from __future__ import annotations

import time

import pytest

from reporting.models import ReportJob
from reporting.services import report_request
from tests.factories import AreaFactory, MembershipFactory, PartnershipFactory
from tests.reporting.conftest import build_report_plan, pdf_text

pytestmark = pytest.mark.services


def _wait_until_finished(job: ReportJob, timeout: float = 60) -> ReportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.2)
    pytest.fail(f"report {job.pk} still {job.state} after {timeout}s")


@pytest.fixture
def analyst_and_plan(celery_worker):
    partnership = PartnershipFactory(area=AreaFactory(name="Hertfordshire"))
    analyst = MembershipFactory(partnership=partnership, roles=("analyst",)).user
    return analyst, build_report_plan(partnership)


@pytest.mark.parametrize(
    ("kind", "period_name", "expected"),
    [
        (
            "board",
            "q2",
            ["Red 1.1 Run a domestic abuse awareness campaign", "All objectives (each counted once) 1 1 0 0 1 3"],
        ),
        ("rag", "q2", ["Status in each quarter of 2014/15 so far", "Amber Red"]),
        ("pcc", "h1", ["Plan total £3,700.50 £800.25", "PCC grant"]),
        ("area", "q2", ["Area summary across partnerships", "Safer Town action plan 2014/15"]),
    ],
)
def test_report_is_made_by_a_real_worker(analyst_and_plan, kind, period_name, expected):
    analyst, report_plan = analyst_and_plan
    started = time.monotonic()
    job = report_request(
        user=analyst, kind=kind, plan=report_plan.plan, period=getattr(report_plan, period_name)
    )  # autocommit: on_commit sends it to Redis at once
    job = _wait_until_finished(job)
    assert job.state == ReportJob.State.DONE, job.failure_reason
    assert time.monotonic() - started < 60
    assert job.attempts == 1
    text = pdf_text(job)
    for words in expected:
        assert words in text
