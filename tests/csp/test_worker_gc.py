"""The garbage collector in a web worker (csp/worker_gc.py): a request's garbage is collected after its response
has gone, through gunicorn's post_request hook (gunicorn.conf.py), as the collector would have chosen."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest
from gunicorn.app.base import Application

from csp import worker_gc

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def collector():
    """The worker's thresholds for the test, the process's own afterwards; the generations each collection
    walked, in order."""
    before = gc.get_threshold()
    walked: list[int] = []

    def seen(phase, info):
        if phase == "start":
            walked.append(info["generation"])

    gc.set_threshold(*worker_gc.GC_THRESHOLDS)
    gc.callbacks.append(seen)
    yield walked
    gc.callbacks.remove(seen)
    gc.set_threshold(*before)


class _Node:
    pass


def _cyclic_garbage() -> weakref.ref:
    """A cycle no one refers to (as model instances and their prefetch caches leave): only the collector frees it."""
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_a_requests_cycles_are_freed_and_the_next_request_starts_from_nothing(collector):
    gone = _cyclic_garbage()
    assert gone() is not None  # left for the collector: 50,000 allocations before it would come on its own

    assert worker_gc.collect_between_requests() >= 2

    assert gone() is None
    assert gc.get_count()[0] < 100
    assert collector == [0]


def test_the_older_generations_are_collected_when_their_turn_comes_as_the_collector_would(collector):
    young, middle, old = worker_gc.GC_THRESHOLDS
    gc.collect()  # every generation's count from nothing
    collector.clear()
    for _ in range(middle + 1):  # each young collection counts one towards the middle generation's turn
        worker_gc.collect_between_requests()
    assert collector == [0] * (middle + 1)
    collector.clear()

    worker_gc.collect_between_requests()

    assert collector == [1]
    assert gc.get_count()[1] == 0


class _Config(Application):
    """gunicorn's own reading of a settings file, as `gunicorn --config gunicorn.conf.py` does."""

    def load_config(self):
        self.load_config_from_file(str(ROOT / "gunicorn.conf.py"))

    def load(self):  # pragma: no cover - no app is served here
        raise AssertionError


def test_gunicorn_reads_the_hook_from_the_projects_settings_file_and_it_collects(monkeypatch):
    calls = []
    monkeypatch.setattr(worker_gc, "collect_between_requests", lambda: calls.append("collected"))

    config = _Config().cfg
    config.post_request(object(), object(), {}, object())

    assert calls == ["collected"]


def test_every_way_the_project_starts_gunicorn_names_the_settings_file():
    for launcher in ("Dockerfile", "docker-compose.yml", "scripts/bench_scale.py", "scripts/cluster_test.py"):
        assert "gunicorn.conf.py" in (ROOT / launcher).read_text(), launcher
