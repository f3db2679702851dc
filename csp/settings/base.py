"""Settings shared by every environment, read from the environment (django-environ).

With nothing set the app runs on an embedded default: SQLite, Celery eager, files on disk.
DATABASE_URL and REDIS_URL switch to PostgreSQL and Redis.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-development-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Demo mode loads the real plans and demo users with printed passwords. Never in production.
DEMO_MODE = env.bool("CSP_DEMO_MODE", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "priorities",
    "plans",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.security.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "csp.sessions.SessionIdleTouchMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "csp.two_factor.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before anything reads the body: too large -> 413 (JSON under /api/, a GOV.UK page elsewhere).
    "csp.errors.RequestSizeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "csp.urls"
WSGI_APPLICATION = "csp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# --- Cluster: database connections (issue 16, docs/deployment.md "PgBouncer") ---
# Without PgBouncer, CSP_CONN_MAX_AGE keeps each process's connection open for that many seconds
# (production default 60) and checks it before reuse, so a restarted PostgreSQL costs no failed request.
# Behind PgBouncer in transaction mode (CSP_PGBOUNCER=1) a server connection changes between
# transactions (named cursors would vanish: they are off, below), and PgBouncer itself does the pooling.
CSP_PGBOUNCER = env.bool("CSP_PGBOUNCER", default=False)
DATABASES["default"]["CONN_MAX_AGE"] = 0 if CSP_PGBOUNCER else env.int("CSP_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Named (server-side) cursors off everywhere, not only behind PgBouncer: Django opens one for every
# `.iterator()`, and form choices (ModelChoiceField, django-filter) read their options through it, so each
# select of a few dozen options cost a DECLARE, FETCH and CLOSE (three round trips; the review dashboard has
# five). Nothing here streams a large result through `.iterator()`: the history archive and exports read in
# keyed pages (csp/history_retention.py).
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite cannot enforce NULLS NOT DISTINCT; PostgreSQL (production, CI) does.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "signed_out"

# Sessions end after inactivity: a request pushes the expiry forward, at most once a minute
# (csp/sessions.py: not an UPDATE and a commit on every page view).
SESSION_COOKIE_AGE = env.int("CSP_SESSION_IDLE_SECONDS", default=60 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes (issue 10): two separate locks, one per username (across addresses) and one per
# address (across usernames), so one address cannot try a few passwords on every account.
AXES_FAILURE_LIMIT = env.int("CSP_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("CSP_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no "AXES: BEGIN" line on every management command
# A correct (or wrong) password while locked out does not push the end of the lockout further away.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address: REMOTE_ADDR, or taken from X-Forwarded-For past CSP_TRUSTED_PROXY_COUNT
# proxies of our own (docs/security.md). Not django-ipware: it returns no address at all when the
# header has more entries than the proxy count, which a client can cause at will.
TRUSTED_PROXY_COUNT = env.int("CSP_TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "csp.security.client_ip_address"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Third-party front-end assets (govuk-frontend, htmx) are installed by `npm ci` at set-up,
# never committed; they are served straight from node_modules.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/govuk-frontend", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
# --- Cluster: file storage, caches, sessions (issue 16, docs/deployment.md) ---
# Report PDFs, exports and uploads go through Django's storage API. The embedded default is the
# local disk (CSP_MEDIA_ROOT); with CSP_STORAGE=s3 (or an AWS_STORAGE_BUCKET_NAME) they go to
# S3-compatible object storage, which every web and worker instance shares. Objects are private:
# they are served only by the authorised download views, streamed, or (CSP_DOWNLOAD_REDIRECT=1)
# through a signed URL that expires after AWS_QUERYSTRING_EXPIRE seconds.
MEDIA_ROOT = Path(env("CSP_MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "media/"
CSP_STORAGE = env("CSP_STORAGE", default="s3" if env("AWS_STORAGE_BUCKET_NAME", default="") else "local")
CSP_DOWNLOAD_REDIRECT = env.bool("CSP_DOWNLOAD_REDIRECT", default=False)
if CSP_STORAGE == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            # MinIO, Ceph, moto... or empty for AWS itself.
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "location": env("AWS_LOCATION", default=""),
            # "path" for most self-hosted servers; "virtual" for AWS.
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default=None),
            "signature_version": "s3v4",
            # Never public: no public-read ACL, every URL signed and short-lived.
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=60),
            # Two workers never silently replace each other's file.
            "file_overwrite": False,
        },
    }
elif CSP_STORAGE == "local":
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured(f"CSP_STORAGE must be 'local' or 's3', not {CSP_STORAGE!r}")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Caches (and anything built on them, such as rate limits) are shared through Redis when REDIS_URL
# is set; process memory only in the embedded one-process default.
if env("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "csp.cache.RedisCache",
            "LOCATION": env("CSP_CACHE_URL", default=env("REDIS_URL")),
            "KEY_PREFIX": "csp-cache",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Fragment caching (csp/content_version.py): pages keep the parts that are slow to build under the
# content versions of the partnerships they show. On by default only with a shared cache: with process
# memory, a write made by another process (a command, a second worker) would not renew this one's versions.
CSP_FRAGMENT_CACHE = env.bool("CSP_FRAGMENT_CACHE", default=bool(env("REDIS_URL", default="")))
# A fragment is also dropped after this long, whatever happens (a write made outside Django is not seen).
CSP_FRAGMENT_CACHE_SECONDS = env.int("CSP_FRAGMENT_CACHE_SECONDS", default=15 * 60)
# Count how often each fragment is served kept and built (csp/content_version.py `fragment_stats`): one Redis
# command per fragment served, so off unless measuring (`make surge` turns it on). Needs the Redis cache.
CSP_FRAGMENT_STATS = (
    env.bool("CSP_FRAGMENT_STATS", default=False) and CACHES["default"]["BACKEND"] == "csp.cache.RedisCache"
)
# Sessions live in PostgreSQL, so any web instance can serve any request (no sticky sessions).
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# E-mail: console by default; a file backend or SMTP through EMAIL_URL.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Community Safety Plans <no-reply@csp.localhost>")
# filemail:///path/to/dir in EMAIL_URL gives the folder; otherwise EMAIL_FILE_PATH or sent-mail/.
EMAIL_FILE_PATH = EMAIL_CONFIG.get("EMAIL_FILE_PATH") or env("EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-mail"))
SITE_URL = env("CSP_SITE_URL", default="http://127.0.0.1:8000")

# Celery: Redis when REDIS_URL is set, otherwise tasks run eagerly in-process.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CSP_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CSP_TASK_SOFT_TIME_LIMIT", default=240)
# Longer than the hard time limit, so a job held by a dead worker is redelivered, not lost.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CSP_BROKER_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 300)
}
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CSP_WORKER_MAX_MEMORY_KB", default=512_000)
CELERY_TIMEZONE = TIME_ZONE
# --- Cluster: queues and beat (issue 16, docs/deployment.md "Queues") ---
# Each task goes to the queue of its kind of work (csp/celery.py: reports, email, housekeeping);
# a worker started without -Q consumes all three. CSP_CELERY_QUEUE_PREFIX keeps two clusters
# (or a test run) that share one Redis database apart.
CSP_CELERY_QUEUE_PREFIX = env("CSP_CELERY_QUEUE_PREFIX", default="")
CELERY_TASK_ROUTES = ("csp.celery.route_task",)
CELERY_TASK_DEFAULT_QUEUE = f"{CSP_CELERY_QUEUE_PREFIX}housekeeping"
# Each queue its own exchange and routing key: a message routed to one queue lands in that one only.
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name, type="direct"), routing_key=name)
    for name in (f"{CSP_CELERY_QUEUE_PREFIX}{kind}" for kind in ("reports", "email", "housekeeping"))
]
# Beat sends each scheduled run once even if two beat processes run by mistake: it takes a Redis
# lock per entry and minute first (csp/beat.py). Still run one beat per cluster.
CELERY_BEAT_SCHEDULER = "csp.beat.LockedScheduler"
# A job held by a worker that died goes back to its queue once the visibility timeout has passed;
# every running worker looks for such jobs every 10 seconds (kombu's default is about 100).
CELERY_BROKER_TRANSPORT_OPTIONS |= {"unacked_restore_interval": 10, "unacked_restore_throttle": 1}
CSP_BEAT_LOCK_SECONDS = env.int("CSP_BEAT_LOCK_SECONDS", default=3600)

# API writes to an existing object must carry If-Match (else 428); off until partner scripts send it.
CSP_API_REQUIRE_IF_MATCH = env.bool("CSP_API_REQUIRE_IF_MATCH", default=False)
# Largest request body (bytes) a page form or an API request may send; bigger gets 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("CSP_MAX_REQUEST_BYTES", default=2_621_440)
# Largest evidence file a lead officer may attach to an update (bytes); a file upload's request may
# be this much larger than the limit above.
CSP_EVIDENCE_MAX_BYTES = env.int("CSP_EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# Largest plan document (.docx / .xlsx) a coordinator may upload to import (bytes); likewise allowed through.
CSP_IMPORT_MAX_BYTES = env.int("CSP_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "csp.tokens.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        # Strict: an unknown ordering field or a bad filter value is a 400 listing what is allowed.
        "csp.api.filters.StrictFilterBackend",
        "csp.api.filters.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Documents the 4xx answers and the bounds of id filters (csp/api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "csp.api.schema.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Community Safety Partnership plans API",
    "DESCRIPTION": "Plans, objectives, quarterly updates, reviews and reports of Community Safety Partnerships.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and Redoc served from our own static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for the red/amber/green choices wherever they appear (update, objective, filters).
    "ENUM_NAME_OVERRIDES": {
        "RagStatusEnum": "csp.models.RagStatus",
        "PeriodStatusEnum": "plans.selectors.status.PERIOD_STATUS_CHOICES",
        "LeadKindEnum": "plans.models.LeadKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools log every rendering step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Periodic jobs (Celery beat). Times are Europe/London.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    "update-reminders": {"task": "plans.tasks.send_update_reminders", "schedule": crontab(hour=7, minute=0)},
    "board-reports-after-deadline": {
        "task": "reporting.tasks.produce_due_board_reports",
        "schedule": crontab(hour=6, minute=30),
    },
    "fail-stuck-reports": {"task": "reporting.tasks.fail_stuck_reports", "schedule": crontab(minute="*/10")},
    # The yearly cycle: next year's quarters, halves and year exist before next year's plan needs them.
    "reporting-periods": {"task": "csp.tasks.ensure_reporting_periods", "schedule": crontab(hour=5, minute=15)},
    "notification-digests": {"task": "csp.tasks.email_notification_digests", "schedule": crontab(hour=17, minute=0)},
}
# Days before 1 April from which next year's reporting periods are created (90: early January).
CSP_NEXT_YEAR_PERIODS_DAYS_BEFORE = env.int("CSP_NEXT_YEAR_PERIODS_DAYS_BEFORE", default=90)


# --- Security: API tokens, two-factor sign-in, headers (issue 10, docs/security.md) ---

# API tokens: django-rest-knox keeps only a hash; our ApiToken adds a name and a read-only flag.
KNOX_TOKEN_MODEL = "csp.ApiToken"
# knox's own migrations create its (unused, swapped-out) token table anyway, whose foreign key to
# the user table then blocks the test database flush; without them no knox table is made.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("CSP_API_TOKEN_DAYS", default=90)),
    "AUTO_REFRESH": False,
    # Keeps the header scripts already send (`Authorization: Token ...`).
    "AUTH_HEADER_PREFIX": "Token",
    # A recognisable prefix lets secret scanners find leaked tokens.
    "TOKEN_PREFIX": "csp_",
}
API_TOKEN_MAX_DAYS = env.int("CSP_API_TOKEN_MAX_DAYS", default=366)
# Days an invitation's set-password link works (csp/people.py InviteTokenGenerator).
CSP_INVITE_DAYS = env.int("CSP_INVITE_DAYS", default=7)

# Two-factor sign-in (django-otp, TOTP + recovery codes): required for coordinators and
# superusers, and for anyone who has set it up. Tests switch it on where they test it.
TWO_FACTOR_ENFORCED = env.bool("CSP_TWO_FACTOR_ENFORCED", default=True)
OTP_TOTP_ISSUER = env("CSP_TOTP_ISSUER", default="Community safety plans")
# Wrong codes slow further tries down (django-otp's throttling doubles the wait each time).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
TWO_FACTOR_RECOVERY_CODES = 10

# Content-Security-Policy (csp.security): no inline script or style anywhere but the API
# documentation pages, which relax styles only. django-csp cannot be used: its import name `csp`
# is our project package's.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Permissions-Policy (django-permissions-policy): the app uses none of these browser features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Operations (issue 15): health checks, worker heartbeat -------------------------------------
INSTALLED_APPS += ["health_check"]
# The heartbeat task lives beside the health checks; the worker must import it.
CELERY_IMPORTS = ["csp.health"]
# Readiness fails when no worker has run the heartbeat (every minute) for this long.
CSP_HEARTBEAT_MAX_AGE = env.int("CSP_HEARTBEAT_MAX_AGE", default=180)
CELERY_BEAT_SCHEDULE["worker-heartbeat"] = {"task": "csp.health.worker_heartbeat", "schedule": 60.0}
# A reminder claimed by a sender that died can be claimed again after this many seconds; the mail
# connection's timeout is a third of it, so a live sender never outlasts its claim.
CSP_REMINDER_CLAIM_SECONDS = env.int("CSP_REMINDER_CLAIM_SECONDS", default=120)
