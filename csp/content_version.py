"""Content versions: what a cached fragment is keyed on, so that no write can leave a stale page.

Each partnership has a version (a random token in the cache), and so does the service as a whole. A
fragment is cached under the versions of the partnerships it shows, read *before* its data
(`content_key`); a write gives those partnerships new tokens, so the old fragment is never read again.

How every write is seen, whatever wrote it (services, admin, API, importers, commands, workers):

- A row written through the ORM one at a time (`save`, `delete`, many-to-many changes) sends Django's model
  signals. The receivers find the row's partnership by the route its app declared for the admin
  (`csp.admin_scoping.PARTNERSHIP_LOOKUPS`, plus `EXTRA_ROUTES` below) and bump that partnership.
- Any other write on a content table (`bulk_create`, `QuerySet.update`, raw SQL, a cascade's SET NULL) is
  seen by a wrapper on every database connection, and bumps the global version: every fragment is
  recomputed. A missed route can therefore cost speed, never correctness.
- A bump happens at once (the request that wrote reads its own write) and again after the transaction
  commits: a reader between the two may have cached the old rows under the first new token.

Tables that no cached fragment shows (sessions, tokens, notifications, kept saves, history) are not
content: writing them bumps nothing. A write made outside Django (psql, `make restore`) is not seen:
run `manage.py renew_fragments` after one (`make restore` does); fragments also expire after
`CSP_FRAGMENT_CACHE_SECONDS`.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from celery.signals import task_prerun
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.signals import request_started
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.db.models import signals
from django.utils.crypto import salted_hmac
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)

GLOBAL_KEY = "cv:all"
STATS_KEY = "cv:stats"  # a Redis hash: "<fragment name>|kept" and "|built" -> count (CSP_FRAGMENT_STATS)
CONTENT_APPS = ("csp", "priorities", "plans", "reporting")
# Rows that no cached fragment shows: writing them bumps nothing.
NOT_CONTENT = frozenset(
    {
        "csp.apitoken",
        "csp.notification",
        "csp.notificationpreference",
        "plans.pendingsave",
        "plans.planimport",
        # Reminders sent: listed on the coordinators' reminders page, which is built each time. Their
        # sending claims rows by QuerySet.update, which would otherwise renew everything, batch after batch.
        "plans.reminder",
        "plans.reminder_objectives",
    }
)
# Routes to the partnership for content models the admin does not scope (they would otherwise bump everything).
EXTRA_ROUTES = {
    "plans.milestonelead": "milestone__objective__plan__partnership",
    "plans.updateevidence": "update__objective__plan__partnership",
    "plans.meeting": "group__partnership",
    "plans.meetingdecision": "meeting__group__partnership",
    "plans.actionlogitem": "group__partnership",
    "priorities.indicatortarget": "indicator__partnership",
}
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)


def _partnership_key(partnership_id: int) -> str:
    return f"cv:p:{partnership_id}"


def _token() -> str:
    return uuid.uuid4().hex


# --- readers ------------------------------------------------------------------------------------------


def content_key(partnership_ids: Iterable[int]) -> str:
    """A short key naming the present versions of these partnerships and of the whole service.

    Read it before reading the data the fragment shows. A version the cache has lost (evicted, flushed)
    gets a new token, never an old one, so a lost version can only cost a recomputation.
    """
    keys = [GLOBAL_KEY, *(_partnership_key(pk) for pk in sorted(set(partnership_ids)))]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, _token(), timeout=None)
        found.update(cache.get_many(missing))
    joined = "|".join(str(found.get(key, _token())) for key in keys)
    return hashlib.sha256(joined.encode()).hexdigest()[:32]


def cached_fragment(name: str, *, partnership_ids: Iterable[int], vary: Iterable[object], render: Callable[[], str]):
    """HTML from `render()`, kept under the partnerships' content versions and `vary` (user, date...).

    `vary` must hold everything else the fragment depends on: whose page it is, and today's date when it
    says "n days left". The fragment must hold nothing per request (CSRF tokens, nonces, messages).
    """
    if not settings.CSP_FRAGMENT_CACHE:
        return render()
    version = content_key(partnership_ids)
    vary_text = "|".join(map(str, vary))
    key = "frag:" + hashlib.sha256(f"{release()}|{name}|{version}|{vary_text}".encode()).hexdigest()
    html = cache.get(key)
    built = html is None
    if built:
        html = render()
        cache.set(key, html, timeout=settings.CSP_FRAGMENT_CACHE_SECONDS)
    if settings.CSP_FRAGMENT_STATS:
        cache.hash_increment(STATS_KEY, f"{name}|{'built' if built else 'kept'}")
    return html


def fragment_stats() -> dict[str, dict[str, int]]:
    """With `CSP_FRAGMENT_STATS` (a Redis cache): how often each fragment was served kept and built, since
    the last `fragment_stats_reset`. `make surge` prints them: a page built on most views gains little
    from being kept, however fast its kept answer."""
    stats: dict[str, dict[str, int]] = {}
    for field, count in cache.hash_read(STATS_KEY).items():
        name, outcome = field.rsplit("|", 1)
        stats.setdefault(name, {"kept": 0, "built": 0})[outcome] = count
    return dict(sorted(stats.items()))


def fragment_stats_reset() -> None:
    cache.delete(STATS_KEY)


@functools.cache
def release() -> str:
    """A digest of the code, templates and static manifest: after a deploy, no fragment of the old one is shown."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for folder in ("templates", *CONTENT_APPS):
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in (".py", ".html") and path.is_file():
                digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    manifest = Path(settings.STATIC_ROOT or base / "staticfiles") / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


def fragment_hole(name: str) -> str:
    """A placeholder for a per-request value (a CSRF token) in a kept fragment: no one can type it, since it
    is derived from the secret key; `fill_holes` puts the request's values in."""
    return "csp-hole-" + salted_hmac("csp.content_version.hole", name).hexdigest()[:32]


def fill_holes(html: str, **values: str) -> str:
    for name, value in values.items():
        html = html.replace(fragment_hole(name), value)
    return mark_safe(html)  # noqa: S308 - the fragment was rendered (and escaped) by a template; tokens are ours


# --- writers ------------------------------------------------------------------------------------------


def bump(partnership_ids: Iterable[int] = (), *, everything: bool = False, using: str = "default") -> None:
    """New versions for these partnerships (or for all), now and again once the transaction commits."""
    keys = [GLOBAL_KEY] if everything else [_partnership_key(pk) for pk in set(partnership_ids) if pk is not None]
    if not keys:
        return

    def renew() -> None:
        try:
            cache.set_many({key: _token() for key in keys}, timeout=None)
        except Exception:  # the cache is down: the write goes on; fragments expire (CSP_FRAGMENT_CACHE_SECONDS)
            logger.exception("Could not renew content versions %s", keys)

    renew()
    transaction.on_commit(renew, using=using)


def _route(model) -> str | None:
    from .admin_scoping import PARTNERSHIP_LOOKUPS

    label = model._meta.label_lower
    return PARTNERSHIP_LOOKUPS.get(label) or EXTRA_ROUTES.get(label)


def _partnership_of(instance) -> tuple[bool, int | None]:
    """(known, partnership id) of a row: from the related rows it holds already, else one query."""
    route = _route(type(instance))
    if route is None:
        return False, None
    if route == "pk":
        return True, instance.pk
    steps = route.split("__")
    obj = instance
    for index, step in enumerate(steps):
        field = obj._meta.get_field(step)
        if index == len(steps) - 1:
            return True, getattr(obj, field.attname)
        if not field.is_cached(obj):
            break
        obj = field.get_cached_value(obj)
        if obj is None:
            return True, None
    found = type(instance)._base_manager.filter(pk=instance.pk).values_list(route, flat=True).first()
    return True, found


def _bump_for(instance, using: str) -> None:
    known, partnership_id = _partnership_of(instance)
    if known and partnership_id is not None:
        bump([partnership_id], using=using)
    else:  # no route, or a row of no single partnership (an area's report): renew everything
        bump(everything=True, using=using)


def _covered(using: str) -> dict[str, int]:
    connection = connections[using]
    covered = getattr(connection, "_csp_content_covered", None)
    if covered is None:
        covered = connection._csp_content_covered = {}
    return covered


def _cover(table: str, using: str, step: int) -> None:
    covered = _covered(using)
    covered[table] = covered.get(table, 0) + step
    if covered[table] <= 0:
        del covered[table]


def _pre_write(sender, instance=None, using="default", **kwargs):
    _cover(sender._meta.db_table, using, +1)


def _post_save(sender, instance, using="default", update_fields=None, **kwargs):
    _cover(sender._meta.db_table, using, -1)
    _bump_for(instance, using)


def _pre_delete(sender, instance, using="default", **kwargs):
    _cover(sender._meta.db_table, using, +1)
    # Rows are archived, not deleted (docs/admin-and-archive.md): a delete is rare, and a cascade may hold
    # thousands of rows with no route at hand, so it renews everything rather than look each one up.
    bump(everything=True, using=using)


def _post_delete(sender, instance, using="default", **kwargs):
    _cover(sender._meta.db_table, using, -1)


def _user_saved(sender, instance, using="default", update_fields=None, **kwargs):
    _cover(sender._meta.db_table, using, -1)
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return  # signing in, or a new password: nothing a page shows
    from .models import Membership

    # A person's name shows in the pages of every partnership they belong to.
    bump(Membership.objects.filter(user_id=instance.pk).values_list("partnership_id", flat=True), using=using)


def _m2m_changed(sender, instance, action, using="default", **kwargs):
    if action.startswith("pre_"):
        _cover(sender._meta.db_table, using, +1)
    else:
        _cover(sender._meta.db_table, using, -1)
        _bump_for(instance, using)


def _watch(execute, sql, params, many, context):
    """Every statement on this connection: a write on a content table no model signal covers bumps everything."""
    match = _WRITE.match(sql) if sql[:12].lstrip()[:1] in ("I", "U", "D", "i", "u", "d") else None
    table = match.group(1) if match and match.group(1) in content_tables() else None
    alias = context["connection"].alias
    try:
        result = execute(sql, params, many, context)
    except Exception:
        if table is not None and table in _covered(alias):
            # The save or link this statement belonged to failed: its post signal will not come to end the cover.
            _cover(table, alias, -1)
        raise
    if table is not None and table not in _covered(alias):
        bump(everything=True, using=alias)
    return result


def _forget_covers(**kwargs) -> None:
    """At the start of each request and task, no write is under way: forget every cover.

    A cover lasts from a save's pre_save to its post_save on one connection (`_cover`). A save that fails in
    its SQL ends its cover in `_watch`; one that fails before any SQL (a value that cannot be converted) sends
    no post_save, and without this its cover would hide the unsignalled writes of that table (`QuerySet.update`,
    raw SQL) for as long as the process reuses the connection object, so kept pages would go stale."""
    for connection in connections.all(initialized_only=True):
        if hasattr(connection, "_csp_content_covered"):
            connection._csp_content_covered = {}


def _watch_connection(sender, connection, **kwargs):
    # First in the list (the outermost), never appended: `connection.execute_wrapper()` blocks pop the last one,
    # and a connection may be opened inside such a block.
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _watch)


_CONTENT_TABLES: frozenset[str] | None = None


def content_models() -> list:
    """Models whose rows some cached fragment may show: the four apps' own models and the user, not history."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if model._meta.app_label not in CONTENT_APPS and model is not get_user_model():
            continue
        if label in NOT_CONTENT or model.__name__.startswith("Historical") or "historical" in model._meta.db_table:
            continue
        found.append(model)
    return found


def content_tables() -> frozenset[str]:
    global _CONTENT_TABLES
    if _CONTENT_TABLES is None:
        _CONTENT_TABLES = frozenset(model._meta.db_table for model in content_models())
    return _CONTENT_TABLES


def connect() -> None:
    """Connect the receivers (AppConfig.ready): per content model, so other models keep fast bulk deletes."""
    user_model = get_user_model()
    for model in content_models():
        uid = f"csp-content-{model._meta.label_lower}"
        if model._meta.auto_created:  # a many-to-many table
            signals.m2m_changed.connect(_m2m_changed, sender=model, dispatch_uid=uid)
            continue
        signals.pre_save.connect(_pre_write, sender=model, dispatch_uid=uid)
        signals.post_save.connect(_user_saved if model is user_model else _post_save, sender=model, dispatch_uid=uid)
        signals.pre_delete.connect(_pre_delete, sender=model, dispatch_uid=uid)
        signals.post_delete.connect(_post_delete, sender=model, dispatch_uid=uid)
    connection_created.connect(_watch_connection, dispatch_uid="csp-content-watch")
    request_started.connect(_forget_covers, dispatch_uid="csp-content-forget-covers")
    task_prerun.connect(_forget_covers, dispatch_uid="csp-content-forget-covers", weak=False)
    for connection in connections.all(initialized_only=True):
        _watch_connection(None, connection)
