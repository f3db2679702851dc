"""Celery application; configuration comes from Django settings (CELERY_ namespace).

Work is split into queues by kind, so a burst of reports cannot delay reminders:
`reports` (PDF rendering, slow and memory-hungry), `email` (reminders and other mail) and
`housekeeping` (scheduled sweeps). docs/deployment.md says which worker consumes which queue.
"""

from __future__ import annotations

import fnmatch
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp.settings.dev")

QUEUES = ("reports", "email", "housekeeping")
# The queue of each task; patterns (fnmatch) catch tasks added later by name, first match wins.
TASK_QUEUES = {
    "reporting.tasks.render_report": "reports",
    "reporting.tasks.render_*": "reports",
    "plans.tasks.send_update_reminders": "email",
    "*remind*": "email",
    "*mail*": "email",
    "reporting.tasks.produce_due_board_reports": "housekeeping",
    "reporting.tasks.fail_stuck_reports": "housekeeping",
}
DEFAULT_KIND = "housekeeping"

app = Celery("csp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def queue_kind(task_name: str) -> str:
    """The kind of work (one of QUEUES) a task belongs to."""
    if task_name in TASK_QUEUES:
        return TASK_QUEUES[task_name]
    for pattern, kind in TASK_QUEUES.items():
        if fnmatch.fnmatchcase(task_name, pattern):
            return kind
    return DEFAULT_KIND


def queue_name(kind: str) -> str:
    """The broker queue of a kind of work; a prefix keeps test runs and clusters sharing a Redis apart."""
    from django.conf import settings

    return f"{getattr(settings, 'CSP_CELERY_QUEUE_PREFIX', '')}{kind}"


def route_task(name, args, kwargs, options, task=None, **kw) -> dict:
    """Celery router (CELERY_TASK_ROUTES): each task to the queue of its kind of work."""
    return {"queue": queue_name(queue_kind(name))}
