"""Production: secrets have no default and the deploy checks pass."""

from .base import *  # noqa: F401,F403
from .base import CSP_PGBOUNCER, DATABASES, TRUSTED_PROXY_COUNT, env

DEBUG = False
DEMO_MODE = False
SECRET_KEY = env("DJANGO_SECRET_KEY")  # no default: refuse to start without one
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

# Behind a reverse proxy (docs/security.md) Django believes its X-Forwarded-Proto and
# X-Forwarded-Host, and axes takes the client's address from X-Forwarded-For; without one these
# headers come from the client and are ignored. CSP_TRUSTED_PROXY_COUNT (base.py) says how many.
BEHIND_PROXY = TRUSTED_PROXY_COUNT > 0
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env.bool("CSP_USE_X_FORWARDED_HOST", default=True)
# Off when the proxy in front redirects plain HTTP itself (docker-compose's does).
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# --- Cluster: database connections (issue 16; see base.py and docs/deployment.md "PgBouncer") ---
# Persistent connections, checked before reuse, unless PgBouncer pools them (CSP_PGBOUNCER=1).
DATABASES["default"]["CONN_MAX_AGE"] = 0 if CSP_PGBOUNCER else env.int("CSP_CONN_MAX_AGE", default=60)

# --- Operations (issue 15): JSON logs with a request id, optional error reporting --------------
from csp.observability import json_logging, sentry_init  # noqa: E402

INSTALLED_APPS += ["django_structlog"]
# Right after the security middleware: every later log line of the request carries its request_id.
MIDDLEWARE.insert(1, "django_structlog.middlewares.RequestMiddleware")
# Behind a proxy that sets X-Request-ID, keep its id so proxy and app logs join up (off: a client could choose it).
# No client addresses in the logs (personal data; the proxy's own log has them).
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = env.bool("CSP_TRUST_UPSTREAM_REQUEST_ID", default=False)
LOGGING = json_logging(env("DJANGO_LOG_LEVEL", default="INFO"))
SENTRY_ENABLED = sentry_init(
    dsn=env("SENTRY_DSN", default=""),
    environment=env("SENTRY_ENVIRONMENT", default="production"),
    release=env("CSP_RELEASE", default=""),
    traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
)
