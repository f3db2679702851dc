"""`make run`'s embedded default (SQLite, no DATABASE_URL): migrations, the demo, and every demo user's first pages.

The rest of the suite runs on PostgreSQL, which accepts queries SQLite refuses (an ORDER BY inside a
UNION once made every sign-in on `make run` a 500), so this runs the real demo on a SQLite file in a
subprocess and signs each demo user in.
"""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

PROBE = r"""
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("load_demo", verbosity=0)
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from csp.models import Area
failures = []
audits = 0
users = list(get_user_model().objects.filter(is_active=True).order_by("username"))
area_paths = [reverse("areas:dashboard", args=[area.slug]) for area in Area.objects.all()]
from plans.models import Plan
from csp.models import Partnership
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
plan_paths = [reverse("plans:plan_detail", args=[pk]) for pk in Plan.objects.values_list("pk", flat=True)]
# The coordinators' audit trail (a UNION of history tables: SQLite refused its parts' ORDER BY once).
audit_paths = [reverse("coordinator:audit", args=[pk]) for pk in Partnership.objects.values_list("pk", flat=True)]
for user in users:
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:  # signed in with the second factor, as the demo coordinators do
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    paths = ["/", reverse("plans:my_items"), reverse("plans:review_dashboard"), reverse("plans:manage"), "/areas/"]
    paths += area_paths + plan_paths + audit_paths
    for path in paths:
        response = client.get(path, follow=True)
        if path in audit_paths and response.status_code == 200 and b"Audit trail" in response.content:
            audits += 1
        if response.status_code >= 500:
            failures.append(f"{user.username} {path} {response.status_code}")
print("USERS", len(users))
print("AUDITS", audits)
print("FAILURES", failures)
"""


def test_make_run_database_serves_every_demo_user(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "csp.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'embedded.sqlite3'}",
        "REDIS_URL": "",
        "CSP_MEDIA_ROOT": str(tmp_path / "media"),
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-4000:]
    lines = dict(
        line.split(" ", 1) for line in result.stdout.splitlines() if line.startswith(("USERS", "FAILURES", "AUDITS"))
    )
    assert int(lines["USERS"]) >= 17  # five roles in three partnerships, two area analysts
    assert lines["FAILURES"] == "[]", lines["FAILURES"]
    assert int(lines["AUDITS"]) >= 3  # each partnership's coordinator read its audit trail
