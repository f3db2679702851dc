"""Shared fixtures: services (PostgreSQL, Redis, a real Celery worker) and users with roles.

Service tests skip when the service is absent, except under CSP_REQUIRE_SERVICES=1 (CI),
where a missing service is a failure, so a green CI run has really used them.
"""

from __future__ import annotations

import os

import pytest
import redis as redis_client
from django.conf import settings
from django.db import connection

from tests.factories import MembershipFactory, PartnershipFactory
from tests.service_checks import REQUIRE_SERVICES, service_missing

# One session-wide Chromium for every browser test, wherever it lives (tests/browser, tests/reporting...).
pytest_plugins = ["tests.browser_fixtures"]


@pytest.fixture
def postgres(db):
    """The test database must be PostgreSQL."""
    if connection.vendor != "postgresql":
        service_missing("DATABASE_URL does not point at PostgreSQL")
    return connection


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        service_missing("REDIS_URL is not set")
    try:
        redis_client.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis_client.exceptions.ConnectionError as exc:
        service_missing(f"Redis at {url} does not answer: {exc}")
    return url


@pytest.fixture(scope="session")
def _celery_worker_session(redis_url, django_db_setup, django_db_blocker):
    """A real Celery worker (in a thread) consuming from Redis for the whole session."""
    from celery.contrib.testing.worker import start_worker

    from csp.celery import QUEUES, app, queue_name

    app.conf.update(
        task_always_eager=False,
        broker_url=redis_url,
        result_backend=redis_url,
        broker_connection_retry_on_startup=True,
    )
    # Tasks are routed by kind of work (csp/celery.py); this run's queues get its own prefix so
    # it never takes, or leaves, messages of another run sharing the Redis database.
    prefix = f"csp-test-{os.getpid()}-"
    settings.CSP_CELERY_QUEUE_PREFIX = prefix
    app.conf.task_default_queue = queue_name("housekeeping")
    queues = [queue_name(kind) for kind in QUEUES]
    with (
        django_db_blocker.unblock(),
        start_worker(app, pool="solo", perform_ping_check=False, queues=queues, shutdown_timeout=30),
    ):
        yield app
    app.conf.update(task_always_eager=True)


@pytest.fixture
def celery_worker(_celery_worker_session, transactional_db, settings):
    """Use in a test to run tasks through the real worker on Redis; the data must be committed."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _celery_worker_session.conf.task_always_eager = False
    yield _celery_worker_session
    _celery_worker_session.conf.task_always_eager = True


@pytest.fixture
def partnership(db):
    return PartnershipFactory()


@pytest.fixture
def make_member(db):
    """make_member(partnership, 'lead_officer', person=...) -> a user with those roles."""

    def _make(partnership, *roles, person=None, **user_fields):
        membership = MembershipFactory(partnership=partnership, roles=roles, person=person, **user_fields)
        return membership.user

    return _make


def pytest_report_header(config):
    return f"database: {settings.DATABASES['default']['ENGINE']}; require services: {REQUIRE_SERVICES}"
