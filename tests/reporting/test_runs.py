"""The totals of a run of automatic board reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reporting.models import ReportJob
from reporting.runs import report_run_summary
from tests.factories import PartnershipFactory, QuarterFactory

STARTED = timezone.make_aware(dt.datetime(2026, 7, 15, 6, 30))


def _job(state: str, finished_minutes: int | None = None) -> ReportJob:
    partnership = PartnershipFactory()
    finished = STARTED + dt.timedelta(minutes=finished_minutes) if finished_minutes is not None else None
    return ReportJob.objects.create(
        kind=ReportJob.Kind.BOARD,
        partnership=partnership,
        period=QuarterFactory(partnership=partnership),
        state=state,
        finished_at=finished,
    )


@pytest.mark.django_db
def test_a_run_with_a_job_still_rendering_has_no_summary_yet():
    jobs = [_job(ReportJob.State.DONE, 3), _job(ReportJob.State.RENDERING)]
    assert report_run_summary(job_ids=[j.pk for j in jobs], started=STARTED) is None


@pytest.mark.django_db
def test_a_finished_run_counts_done_and_failed_jobs_and_lasts_until_the_last_one():
    jobs = [_job(ReportJob.State.DONE, 3), _job(ReportJob.State.FAILED, 5), _job(ReportJob.State.DONE, 12)]
    summary = report_run_summary(job_ids=[j.pk for j in jobs], started=STARTED)
    assert summary == {"jobs": 3, "done": 2, "failed": 1, "seconds": 720.0}
