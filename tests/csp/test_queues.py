"""Celery queues by kind of work, and beat sending each scheduled run once in a cluster."""

from __future__ import annotations

import datetime as dt

import pytest
import redis as redis_client

from csp.beat import LockedScheduler, beat_lock_take
from csp.celery import QUEUES, app, queue_kind


@pytest.fixture(autouse=True)
def _no_queue_prefix(settings):
    """The queue names of a deployment without a prefix (a real-worker test run sets its own)."""
    settings.CSP_CELERY_QUEUE_PREFIX = ""


def routed_queue(task_name: str, **options) -> str:
    return app.amqp.router.route(options, task_name)["queue"].name


@pytest.mark.parametrize(
    ("task_name", "kind"),
    [
        ("reporting.tasks.render_report", "reports"),
        ("plans.tasks.send_update_reminders", "email"),
        ("reporting.tasks.produce_due_board_reports", "housekeeping"),
        ("reporting.tasks.fail_stuck_reports", "housekeeping"),
        ("csp.tasks.ping", "housekeeping"),
    ],
)
def test_each_task_goes_to_the_queue_of_its_kind_of_work(task_name, kind):
    assert routed_queue(task_name) == kind


def test_reports_and_reminders_never_share_a_queue():
    assert routed_queue("reporting.tasks.render_report") != routed_queue("plans.tasks.send_update_reminders")


@pytest.mark.parametrize(
    ("task_name", "kind"),
    [("plans.tasks.send_reminder_to_lead", "email"), ("reporting.tasks.render_area_report", "reports")],
)
def test_tasks_added_later_are_routed_by_their_name(task_name, kind):
    assert queue_kind(task_name) == kind


def test_every_registered_task_of_the_project_has_a_known_queue():
    app.loader.import_default_modules()  # the autodiscovery a worker does at start
    ours = [name for name in app.tasks if name.split(".")[0] in {"csp", "plans", "reporting", "priorities"}]
    assert ours
    assert {queue_kind(name) for name in ours} <= set(QUEUES)


def test_a_queue_prefix_keeps_two_clusters_on_one_redis_apart(settings):
    settings.CSP_CELERY_QUEUE_PREFIX = "county-"
    assert routed_queue("reporting.tasks.render_report") == "county-reports"


def test_an_explicit_queue_wins_over_the_route():
    assert routed_queue("reporting.tasks.render_report", queue="rescue") == "rescue"


@pytest.mark.parametrize("task_name", ["reporting.tasks.render_report", "plans.tasks.send_update_reminders"])
def test_a_routed_message_is_published_to_its_queue_only(task_name):
    queue = app.amqp.router.route({}, task_name)["queue"]
    assert (queue.exchange.name, queue.routing_key) == (queue.name, queue.name)


def test_a_worker_without_q_consumes_every_queue():
    assert {queue.name for queue in app.conf.task_queues} == set(QUEUES)


def test_report_tasks_are_acknowledged_only_after_they_finish():
    from reporting.tasks import render_report

    assert render_report.acks_late
    assert render_report.reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1


@pytest.fixture
def beat_redis(redis_url, settings):
    settings.CSP_CELERY_QUEUE_PREFIX = "csp-beat-test-"
    client = redis_client.Redis.from_url(redis_url)
    for key in client.scan_iter("csp:beat:csp-beat-test-*"):
        client.delete(key)
    yield client
    for key in client.scan_iter("csp:beat:csp-beat-test-*"):
        client.delete(key)


@pytest.mark.services
def test_a_scheduled_run_is_taken_once_per_minute(beat_redis):
    due = dt.datetime(2026, 11, 23, 7, 0, 12, tzinfo=dt.UTC)
    assert beat_lock_take(beat_redis, "update-reminders", due) is True
    assert beat_lock_take(beat_redis, "update-reminders", due + dt.timedelta(seconds=30)) is False
    assert beat_lock_take(beat_redis, "board-reports-after-deadline", due) is True
    assert beat_lock_take(beat_redis, "update-reminders", due + dt.timedelta(days=1)) is True


@pytest.mark.services
def test_two_beats_send_a_due_entry_once(beat_redis, redis_url, settings, tmp_path, monkeypatch):
    settings.REDIS_URL = redis_url
    sent = []
    monkeypatch.setattr(
        "celery.beat.PersistentScheduler.apply_entry", lambda self, entry, producer=None: sent.append(entry.name)
    )
    beats = [LockedScheduler(app, schedule_filename=str(tmp_path / f"beat-{n}"), lazy=True) for n in (1, 2)]
    entry = type("Entry", (), {"name": "update-reminders"})()
    for beat in beats:
        beat.apply_entry(entry)
    assert sent == ["update-reminders"]
