"""Celery tasks of reporting: each takes an id (or nothing) and calls a service."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services
from .runs import report_run_summary

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
)
def render_report(job_id: int) -> str:
    """Render one report job to PDF (idempotent: a done job is left alone)."""
    return services.report_render(job_id=job_id).state


@shared_task
def produce_due_board_reports() -> list[int]:
    """Daily: queue the board reports of plans whose quarter's update deadline has passed.

    The renders run at the concurrency of the workers that consume render_report's queue; a
    follow-up task logs the run's total time once every job has finished.
    """
    started = timezone.now()
    ids = [job.pk for job in services.board_reports_produce_due()]
    if ids:
        board_report_run_finished.apply_async(args=[ids, started.isoformat()], countdown=RUN_POLL_SECONDS)
    return ids


RUN_POLL_SECONDS = 30


@shared_task(bind=True, max_retries=24 * 3600 // RUN_POLL_SECONDS)
def board_report_run_finished(self, job_ids: list[int], started: str) -> dict:
    """Log (and return, kept in the result backend) the totals of a run once all its jobs finished."""
    summary = report_run_summary(job_ids=job_ids, started=dt.datetime.fromisoformat(started))
    if summary is None:
        raise self.retry(countdown=RUN_POLL_SECONDS)
    logger.info("Board report run: %(jobs)d jobs, %(done)d done, %(failed)d failed in %(seconds).1f s", summary)
    return summary


@shared_task
def fail_stuck_reports() -> list[int]:
    """Every few minutes: jobs left 'rendering' past the time limits become 'failed' and can be retried."""
    return services.report_jobs_fail_stuck()
