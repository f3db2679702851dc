"""Infrastructure tasks."""

from celery import shared_task


@shared_task
def ping(message: str) -> str:
    """Answer 'pong'; used to check that a worker is consuming from the broker."""
    return f"pong: {message}"


@shared_task
def ensure_reporting_periods() -> int:
    """Daily: this year's reporting periods, and next year's once due, for every partnership."""
    from .services import reporting_periods_ensure_all

    return reporting_periods_ensure_all()
