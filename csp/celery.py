"""Celery application; configuration comes from Django settings (CELERY_ namespace)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp.settings.dev")

app = Celery("csp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
