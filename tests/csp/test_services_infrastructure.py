"""The real services the suite relies on: PostgreSQL for the database, Redis for Celery."""

import pytest
from django.db import connection

from csp.celery import app
from csp.tasks import ping

pytestmark = pytest.mark.services


def test_ci_database_is_postgresql(postgres):
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        (version,) = cursor.fetchone()
    assert connection.vendor == "postgresql"
    assert version.startswith("PostgreSQL")


def test_task_runs_through_a_real_worker_on_redis(celery_worker, redis_url):
    assert not app.conf.task_always_eager
    assert app.conf.broker_url.startswith("redis://")
    result = ping.delay("hello")
    assert result.get(timeout=30) == "pong: hello"
    # The task really travelled: it has a worker hostname, which an eager call does not.
    assert result.state == "SUCCESS"
