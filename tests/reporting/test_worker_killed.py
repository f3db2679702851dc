"""A worker killed mid-render: another worker finishes the job, and there is one report.

Starts real `celery -A csp worker` processes on Redis against the pytest PostgreSQL database.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from csp.celery import app
from reporting.models import ReportJob
from reporting.tasks import render_report
from tests.factories import PartnershipFactory
from tests.reporting.conftest import build_report_plan

pytestmark = pytest.mark.services

CELERY = Path(sys.executable).with_name("celery")
VISIBILITY_TIMEOUT = 3


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(name: str, queue: str, redis_url: str, media_root: Path, render_delay: float) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "csp.settings.test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "CSP_CELERY_EAGER": "0",
        "CSP_MEDIA_ROOT": str(media_root),
        "CSP_REPORT_RENDER_DELAY": str(render_delay),
        "CSP_BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    }
    command = [str(CELERY), "-A", "csp", "worker", "--pool=solo", "-Q", queue, "-n", f"{name}-{queue}@%h"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"]
    return subprocess.Popen(
        command,
        env=env,
        cwd=settings.BASE_DIR,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stop(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        process.wait(timeout=30)


def _wait_for(job: ReportJob, states: set[str], timeout: float) -> ReportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state in states:
            return job
        time.sleep(0.2)
    pytest.fail(f"report {job.pk} still {job.state}, wanted {states}")


@pytest.mark.skipif(not CELERY.exists(), reason="celery command not installed")
def test_job_of_a_killed_worker_is_finished_by_another_with_one_report(
    postgres, transactional_db, redis_url, settings, tmp_path
):
    media_root = tmp_path / "media"
    settings.MEDIA_ROOT = media_root
    partnership = PartnershipFactory()
    report_plan = build_report_plan(partnership)
    job = ReportJob.objects.create(kind="board", partnership=partnership, plan=report_plan.plan, period=report_plan.q2)
    queue = f"csp-kill-{uuid.uuid4().hex[:8]}"
    workers = []
    eager = app.conf.task_always_eager
    try:
        app.conf.task_always_eager = False
        render_report.apply_async(args=[job.pk], queue=queue)
        workers.append(_start_worker("slow", queue, redis_url, media_root, render_delay=60))
        job = _wait_for(job, {"rendering"}, timeout=60)
        _stop(workers[0])  # SIGKILL mid-render: no chance to ack, reject or clean up
        job.refresh_from_db()
        assert job.state == "rendering"
        time.sleep(VISIBILITY_TIMEOUT + 1)
        workers.append(_start_worker("rescue", queue, redis_url, media_root, render_delay=0))
        job = _wait_for(job, {"done", "failed"}, timeout=90)
    finally:
        app.conf.task_always_eager = eager
        for worker in workers:
            _stop(worker)
    assert job.state == "done", job.failure_reason
    assert job.attempts == 2
    files = list((media_root / "reports" / str(partnership.pk) / str(job.pk)).iterdir())
    assert len(files) == 1
    assert hashlib.sha256(files[0].read_bytes()).hexdigest() == job.checksum
