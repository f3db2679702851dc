"""Reminders through real Celery workers and a slow SMTP server: a worker killed mid-way, none sent twice.

A local SMTP sink (aiosmtpd) takes 50 ms per message. The batches go to a real `celery worker`
on Redis; when about a third has arrived the worker is killed with SIGKILL while the server holds
one message (so that message was not accepted), then a new worker is started. Every reminder must
arrive exactly once. CSP_REMINDERS_KILL_COUNT sets the number (600 here; scripts/reminders_soak.sh
runs 6,000 and prints the time).
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from csp.celery import app
from csp.models import Person
from plans.models import Reminder
from plans.services.reminders import reminder_batches
from plans.tasks import send_reminder_batch
from tests.browser_fixtures import ARTIFACTS
from tests.factories import PartnershipFactory, QuarterFactory

pytestmark = pytest.mark.services

CELERY = Path(sys.executable).with_name("celery")
VISIBILITY_TIMEOUT = 3
COUNT = int(os.environ.get("CSP_REMINDERS_KILL_COUNT", "600"))
SMTP_PORT = int(os.environ.get("CSP_TEST_SMTP_PORT", "8155"))


class SlowSink:
    """An SMTP server that takes `delay` seconds per message and records what it accepted."""

    def __init__(self, delay: float, hold_at: int) -> None:
        self.delay = delay
        self.hold_at = hold_at
        self.accepted: collections.Counter[str] = collections.Counter()
        self.received = 0
        self.holding = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.received += 1
        if self.received == self.hold_at:
            # Hold this message long enough for the test to kill the worker before it is accepted.
            self.holding.set()
            await asyncio.sleep(30)
        await asyncio.sleep(self.delay)
        # Reached only if the client is still there (aiosmtpd cancels the handler when it hangs up).
        self.accepted[message_from_bytes(envelope.content)["Message-ID"]] += 1
        return "250 Message accepted for delivery"


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(name: str, queue: str, redis_url: str, concurrency: int) -> subprocess.Popen:
    env = {
        **os.environ,
        # The dev settings read EMAIL_URL (the test settings force the in-memory backend).
        "DJANGO_SETTINGS_MODULE": "csp.settings.dev",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
        "CSP_BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        # A short claim lease, so the killed worker's in-flight reminder is taken again within seconds.
        "CSP_REMINDER_CLAIM_SECONDS": "6",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    command = [str(CELERY), "-A", "csp", "worker", "--pool=prefork", f"--concurrency={concurrency}", "-Q", queue]
    command += ["-n", f"{name}-{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    command += ["--loglevel=WARNING"]
    # The worker's own log is kept beside the other test artifacts, for whoever reads a failure.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / f"reminders-killed-{name}.log", "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        command, env=env, cwd=settings.BASE_DIR, start_new_session=True, stdout=log, stderr=subprocess.STDOUT
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def _pending_reminders(count: int) -> list[int]:
    partnership = PartnershipFactory()
    period = QuarterFactory(partnership=partnership, number=2)
    people = Person.objects.bulk_create(
        [Person(partnership=partnership, name=f"Lead {i:05d}", email=f"lead{i}@example.org") for i in range(count)]
    )
    rows = Reminder.objects.bulk_create(
        [Reminder(person=p, period=period, kind=Reminder.Kind.BEFORE_DEADLINE, email=p.email) for p in people]
    )
    return [r.pk for r in rows]


@pytest.mark.skipif(not CELERY.exists(), reason="celery command not installed")
def test_a_worker_killed_mid_batch_leaves_every_reminder_sent_exactly_once(postgres, transactional_db, redis_url):
    ids = _pending_reminders(COUNT)
    sink = SlowSink(delay=0.05, hold_at=COUNT // 3)
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
    controller = Controller(sink, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    queue = f"csp-remind-{uuid.uuid4().hex[:8]}"
    workers = []
    eager = app.conf.task_always_eager
    started = time.monotonic()
    try:
        app.conf.task_always_eager = False
        for batch in reminder_batches(ids):
            send_reminder_batch.apply_async(args=[batch], queue=queue)
        # One process first, so exactly one message is in flight when it is killed.
        workers.append(_start_worker("first", queue, redis_url, concurrency=1))
        assert sink.holding.wait(timeout=300), "the sink never reached the message to hold"
        _stop(workers[0])  # SIGKILL while the server holds a message: no ack, no clean-up
        states = collections.Counter(Reminder.objects.values_list("state", flat=True))
        assert states[Reminder.State.SENDING] >= 1, states  # the killed batch left its claim behind
        time.sleep(VISIBILITY_TIMEOUT + 1)
        workers.append(_start_worker("second", queue, redis_url, concurrency=2))
        deadline = time.monotonic() + 600
        while Reminder.objects.exclude(state=Reminder.State.SENT).exists():
            assert time.monotonic() < deadline, "reminders still unsent after 10 minutes"
            time.sleep(0.5)
        elapsed = time.monotonic() - started
    finally:
        app.conf.task_always_eager = eager
        for worker in workers:
            _stop(worker)
        controller.stop()
    print(f"\n{COUNT} reminders sent in {elapsed:.1f} s with one worker killed mid-way")
    assert len(sink.accepted) == COUNT
    assert max(sink.accepted.values()) == 1
    assert Reminder.objects.filter(state=Reminder.State.SENT, sent_at__isnull=False).count() == COUNT
