"""Periodic jobs of plans: reminders to lead officers before and after the update deadline."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from .services.updates import reminders_send_due


@shared_task
def send_update_reminders(today: str | None = None) -> int:
    """E-mail lead officers whose updates are due or overdue; `today` (ISO date) is for tests and re-runs."""
    sent = reminders_send_due(today=dt.date.fromisoformat(today) if today else None)
    return len(sent)
