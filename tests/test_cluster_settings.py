"""Settings that make web instances stateless and connections poolable (issue 16), read in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "csp.settings.production",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "DJANGO_ALLOWED_HOSTS": "csp.example.org",
    "DATABASE_URL": "postgres://csp@db.example.org:5432/csp",
}


def settings_in_fresh_process(**env: str) -> dict:
    """The settings a process started with exactly these CSP/DJANGO/AWS variables would have."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CSP_", "AWS_", "REDIS_", "DATABASE_"))
    }
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "db = s.DATABASES['default']; print(json.dumps({'storage': s.STORAGES['default'], "
        "'cache': s.CACHES['default']['BACKEND'], 'session': s.SESSION_ENGINE, "
        "'max_age': db['CONN_MAX_AGE'], 'health': db['CONN_HEALTH_CHECKS'], "
        "'no_server_cursors': db['DISABLE_SERVER_SIDE_CURSORS']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_keeps_connections_with_health_checks():
    found = settings_in_fresh_process(**PRODUCTION)
    # Cursors are client-side without PgBouncer too: form choices read through `.iterator()` (csp/settings/base.py).
    assert (found["max_age"], found["health"], found["no_server_cursors"]) == (60, True, True)


def test_behind_pgbouncer_connections_are_not_kept_and_cursors_are_client_side():
    found = settings_in_fresh_process(**PRODUCTION, CSP_PGBOUNCER="1")
    assert (found["max_age"], found["no_server_cursors"]) == (0, True)


def test_caches_are_shared_in_redis_when_there_is_one():
    assert settings_in_fresh_process(**PRODUCTION, REDIS_URL="redis://redis:6379/0")["cache"] == (
        "csp.cache.RedisCache"
    )


def test_the_embedded_default_keeps_cache_in_memory_and_files_on_disk():
    found = settings_in_fresh_process(DJANGO_SETTINGS_MODULE="csp.settings.dev")
    assert found["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert found["storage"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_sessions_are_in_the_database_not_in_a_process():
    assert settings_in_fresh_process(**PRODUCTION)["session"] == "django.contrib.sessions.backends.db"


def test_object_storage_is_private_with_short_signed_urls():
    storage = settings_in_fresh_process(
        **PRODUCTION, AWS_STORAGE_BUCKET_NAME="csp-files", AWS_S3_ENDPOINT_URL="https://minio:9000"
    )["storage"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"]) == ("csp-files", "https://minio:9000")
    assert (options["default_acl"], options["querystring_auth"], options["querystring_expire"]) == ("private", True, 60)
    assert options["file_overwrite"] is False


@pytest.mark.parametrize("value", ["ftp", "S3"])
def test_an_unknown_storage_is_refused_at_start(value):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CSP_"))}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**clean, **PRODUCTION, "CSP_STORAGE": value},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "CSP_STORAGE must be 'local' or 's3'" in result.stderr
