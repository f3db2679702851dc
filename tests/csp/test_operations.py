"""Operations: liveness and readiness endpoints, the worker heartbeat, JSON logs, error reporting."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from django.conf import settings
from django.urls import reverse

from csp.health import HEARTBEAT_KEY, worker_heartbeat


@pytest.fixture
def no_redis(settings):
    settings.REDIS_URL = ""


@pytest.fixture
def heartbeat_store(redis_url, settings):
    settings.REDIS_URL = redis_url
    client = redis.Redis.from_url(redis_url)
    client.delete(HEARTBEAT_KEY)
    yield client
    client.delete(HEARTBEAT_KEY)


def _ready(client):
    return client.get(reverse("health_ready"), {"format": "json"})


def test_liveness_answers_without_a_login_or_any_service(client, no_redis):
    # The health view bridges to async code; in its own thread, as under gunicorn, so an event loop
    # left in the main thread by the session's Playwright browser cannot get in its way.
    with ThreadPoolExecutor(max_workers=1) as pool:
        response = pool.submit(client.get, reverse("health_live"), {"format": "json"}).result()
    assert response.status_code == 200
    assert response.json() == {}


@pytest.mark.django_db
def test_readiness_checks_the_database(client, no_redis):
    response = _ready(client)
    assert response.status_code == 200
    assert response.json() == {"Database(alias='default')": "OK"}


@pytest.mark.services
@pytest.mark.django_db
def test_readiness_passes_with_redis_and_a_fresh_worker_heartbeat(client, heartbeat_store):
    worker_heartbeat()
    response = _ready(client)
    assert response.status_code == 200, response.content
    assert set(response.json().values()) == {"OK"}
    assert len(response.json()) == 3


@pytest.mark.services
@pytest.mark.django_db
def test_readiness_fails_when_no_worker_ever_beat(client, heartbeat_store):
    response = _ready(client)
    assert response.status_code == 500
    assert response.json()["WorkerHeartbeat()"] == "Unavailable: No worker heartbeat yet"


@pytest.mark.services
@pytest.mark.django_db
def test_readiness_fails_when_the_heartbeat_is_stale(client, heartbeat_store):
    heartbeat_store.set(HEARTBEAT_KEY, time.time() - settings.CSP_HEARTBEAT_MAX_AGE - 5)
    response = _ready(client)
    assert response.status_code == 500
    assert "old" in response.json()["WorkerHeartbeat()"]


def test_the_heartbeat_runs_every_minute_through_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["worker-heartbeat"]
    assert (entry["task"], entry["schedule"]) == ("csp.health.worker_heartbeat", 60.0)


PRODUCTION_PROBE = """
import django, json, sys
django.setup()
from django.conf import settings
from django.test import Client
Client().get("/health/ping/")
print("SENTRY", settings.SENTRY_ENABLED, file=sys.stderr)
"""


def _production(**extra: str) -> list[str]:
    """Run a request under the production settings; return its stderr lines."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "csp.settings.production",
        "DJANGO_SECRET_KEY": "test-only-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": "sqlite:///:memory:",
        "SENTRY_DSN": "",
        **extra,
    }
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stderr.splitlines()


def test_production_logs_are_json_lines_with_a_request_id():
    lines = [json.loads(line) for line in _production() if line.startswith("{")]
    finished = [line for line in lines if line["event"] == "request_finished"]
    assert len(finished) == 1
    assert len(finished[0]["request_id"]) == 36  # a UUID
    assert finished[0]["code"] == 200
    assert {"timestamp", "level", "logger"} <= finished[0].keys()


def test_error_reporting_is_off_without_a_dsn_and_on_with_one():
    assert "SENTRY False" in _production()
    assert "SENTRY True" in _production(SENTRY_DSN="https://public@sentry.invalid/1")
