"""Health endpoints: liveness (the process answers), readiness (database, Redis, a recent worker heartbeat).

A beat task writes the time into Redis every minute through a worker; readiness fails when that
timestamp is older than CSP_HEARTBEAT_MAX_AGE seconds, so a deployment with no live worker is not ready.
"""

from __future__ import annotations

import dataclasses
import time

import redis
from celery import shared_task
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from redis.asyncio import Redis as AsyncRedis

HEARTBEAT_KEY = "csp:worker-heartbeat"


def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)


@shared_task(ignore_result=True, expires=50)
def worker_heartbeat() -> float:
    """Beat, every minute: record that a worker is consuming tasks (read by the readiness check)."""
    now = time.time()
    if settings.REDIS_URL:
        _redis().set(HEARTBEAT_KEY, now, ex=24 * 3600)
    return now


def heartbeat_age() -> float | None:
    """Seconds since a worker last ran the heartbeat task; None if it never did."""
    value = _redis().get(HEARTBEAT_KEY)
    return None if value is None else max(0.0, time.time() - float(value))


@dataclasses.dataclass
class WorkerHeartbeat(HealthCheck):
    """A Celery worker ran the heartbeat task recently."""

    def run(self) -> None:
        try:
            age = heartbeat_age()
        except redis.RedisError as exc:
            raise ServiceUnavailable("Redis unavailable") from exc
        if age is None:
            raise ServiceUnavailable("No worker heartbeat yet")
        if age > settings.CSP_HEARTBEAT_MAX_AGE:
            raise ServiceUnavailable(f"Worker heartbeat is {age:.0f} s old")


class LivenessView(HealthCheckView):
    """The process is up and serving requests: no dependency is checked."""

    checks = ()


class ReadinessView(HealthCheckView):
    """The database answers and, when Redis is configured, Redis and a worker too."""

    def get_checks(self):
        yield Database()
        if settings.REDIS_URL:
            yield Redis(client_factory=lambda: AsyncRedis.from_url(settings.REDIS_URL, socket_connect_timeout=2))
            yield WorkerHeartbeat()


def ping(request: HttpRequest) -> HttpResponse:
    """The cheapest Django view: the benchmark's baseline and a load balancer's probe."""
    return HttpResponse("ok", content_type="text/plain")
