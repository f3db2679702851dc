"""Periodic jobs of plans: reminders to lead officers before and after the update deadline.

The daily task fans out: one task per partnership records its due reminders, then one task per
batch sends them over a single mail connection. Every step is safe to run twice.
"""

from __future__ import annotations

import datetime as dt
import uuid

from celery import group, shared_task
from django.utils import timezone

from csp.models import Partnership

from .services import reminders


@shared_task
def send_update_reminders(today: str | None = None) -> int:
    """Daily: queue one reminder task per partnership; `today` (ISO date) is for tests and re-runs."""
    day = today or timezone.localdate().isoformat()
    ids = list(Partnership.objects.order_by("pk").values_list("pk", flat=True))
    group(record_partnership_reminders.s(pk, day) for pk in ids).apply_async()
    return len(ids)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=120, time_limit=150)
def record_partnership_reminders(partnership_id: int, today: str) -> int:
    """Record one partnership's due reminders and queue its unsent ones in batches; returns how many."""
    ids = reminders.reminders_record_due(partnership_id=partnership_id, today=dt.date.fromisoformat(today))
    send_reminder_batches(ids)
    return len(ids)


def send_reminder_batches(ids: list[int]) -> None:
    """Queue one send task per batch of reminder ids."""
    batches = reminders.reminder_batches(ids)
    if batches:
        group(send_reminder_batch.s(batch) for batch in batches).apply_async()


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=10,
    soft_time_limit=reminders.BATCH_SOFT_TIME_LIMIT,
    time_limit=reminders.BATCH_TIME_LIMIT,
)
def send_reminder_batch(self, reminder_ids: list[int]) -> int:
    """Send one batch over one mail connection; retried while some of its rows are still owed.

    Rows can be owed because the mail server failed, or because a killed worker's claim has not
    yet run out: the retry comes after the claim lease, when such rows may be taken again.
    """
    claim = f"task-{self.request.id}-{uuid.uuid4().hex[:8]}"
    try:
        result = reminders.reminders_send_batch(reminder_ids=reminder_ids, claim=claim)
    except OSError as exc:  # smtplib's errors are OSErrors
        raise self.retry(exc=exc, countdown=reminders.claim_lease().total_seconds()) from exc
    if result.unsent:
        raise self.retry(countdown=reminders.claim_lease().total_seconds())
    return result.sent
