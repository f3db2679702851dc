"""Celery beat scheduler that sends each scheduled run once per cluster, even with two beats running.

One beat per cluster is the rule (docs/deployment.md). If a second one is started by mistake (two
hosts with the same compose file, a rolling deploy), both would send every entry; this scheduler
first takes a Redis lock named after the entry and the minute it fell due, and only the beat that
gets it sends the task. The tasks are idempotent as well, so a lock lost with Redis does no harm.
"""

from __future__ import annotations

import datetime as dt
import logging

import redis
from celery.beat import PersistentScheduler
from django.conf import settings

logger = logging.getLogger(__name__)


def beat_lock_key(entry_name: str, due: dt.datetime) -> str:
    """The lock of one scheduled run: the entry and the minute (UTC) it fell due."""
    return f"csp:beat:{settings.CSP_CELERY_QUEUE_PREFIX}{entry_name}:{due.astimezone(dt.UTC):%Y%m%dT%H%M}"


def beat_lock_take(client: redis.Redis, entry_name: str, due: dt.datetime) -> bool:
    """True for the first caller of a scheduled run, False for every other one."""
    return bool(client.set(beat_lock_key(entry_name, due), "1", nx=True, ex=settings.CSP_BEAT_LOCK_SECONDS))


class LockedScheduler(PersistentScheduler):
    """PersistentScheduler that skips a run another beat has already sent (a Redis lock per run)."""

    _redis: redis.Redis | None = None

    def _client(self) -> redis.Redis | None:
        if self._redis is None and settings.REDIS_URL:
            self._redis = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5)
        return self._redis

    def apply_entry(self, entry, producer=None):
        client = self._client()
        if client is not None:
            due = dt.datetime.now(dt.UTC)
            try:
                taken = beat_lock_take(client, entry.name, due)
            except redis.RedisError:
                # Without Redis no task can be sent anyway; let the send fail and be logged as usual.
                taken = True
            if not taken:
                logger.info("beat: %s at %s was already sent by another beat", entry.name, f"{due:%H:%M}")
                return None
        return super().apply_entry(entry, producer=producer)
