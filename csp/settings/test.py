"""Fast, deterministic test settings (cookiecutter-django habits)."""

import os

from .base import *  # noqa: F401,F403
from .base import CACHES, env

DEBUG = False
DEMO_MODE = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("CSP_MEDIA_ROOT", default="/tmp/csp-test-media")
# Tests run tasks eagerly unless a test starts a real worker (tests/conftest.py: celery_worker);
# CSP_CELERY_EAGER=0 is for a `celery worker` subprocess that a test starts on Redis.
CELERY_TASK_ALWAYS_EAGER = env.bool("CSP_CELERY_EAGER", default=True)
# Test hook: seconds a report render waits, so a test can kill its worker mid-render.
REPORTING_TEST_RENDER_DELAY = env.float("CSP_REPORT_RENDER_DELAY", default=0)
AXES_ENABLED = env.bool("AXES_ENABLED", default=False)
# Two-factor sign-in is off unless a test switches it on (tests/csp/test_auth_two_factor.py), as
# axes is: most tests sign in with force_login and test other things.
TWO_FACTOR_ENFORCED = env.bool("CSP_TWO_FACTOR_ENFORCED", default=False)
# Fragment caching on in every test (one process, so process memory is shared when Redis is absent): a
# test that reads a page after a write then also checks that the write renewed the page.
CSP_FRAGMENT_CACHE = env.bool("CSP_FRAGMENT_CACHE", default=True)
# Under pytest-xdist each worker has its own test database, where ids repeat, so each has its own cache keys too:
# with one Redis, a write in one worker renewed the other's content versions (cv:all, cv:p:<id>).
if os.environ.get("PYTEST_XDIST_WORKER") and "KEY_PREFIX" in CACHES["default"]:
    CACHES["default"]["KEY_PREFIX"] += "-" + os.environ["PYTEST_XDIST_WORKER"]
