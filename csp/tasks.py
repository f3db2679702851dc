"""Infrastructure tasks."""

from celery import shared_task


@shared_task
def ping(message: str) -> str:
    """Answer 'pong'; used to check that a worker is consuming from the broker."""
    return f"pong: {message}"
