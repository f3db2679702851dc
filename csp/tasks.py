"""Infrastructure tasks."""

from celery import shared_task


@shared_task
def ping(message: str) -> str:
    """Answer 'pong'; used to check that a worker is consuming from the broker."""
    return f"pong: {message}"


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=120, time_limit=150)
def email_notifications(notification_ids: list[int]) -> int:
    """E-mail these notifications, each once however often the task runs (csp.notifications)."""
    from .notifications import notifications_email

    return notifications_email(ids=notification_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=600, time_limit=660)
def email_notification_digests() -> int:
    """Daily: one digest e-mail per user who chose it, with their notifications not yet e-mailed."""
    from .notifications import notifications_email_digests

    return notifications_email_digests()
