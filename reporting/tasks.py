"""Celery tasks of reporting: each takes an id (or nothing) and calls a service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import services


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
    """Daily: queue the board reports of plans whose quarter's update deadline has passed."""
    return [job.pk for job in services.board_reports_produce_due()]


@shared_task
def fail_stuck_reports() -> list[int]:
    """Every few minutes: jobs left 'rendering' past the time limits become 'failed' and can be retried."""
    return services.report_jobs_fail_stuck()
