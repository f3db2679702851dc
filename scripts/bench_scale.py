"""National-scale page benchmark (not a test): `make bench-scale N=300`.

1. Creates (or reuses) a dedicated PostgreSQL database (BENCH_DB, default csp_bench, on the server of
   DATABASE_URL), migrates it and runs `generate_national --partnerships N` (reused when present).
2. In-process, with the production settings: each main page and API list is requested REPEAT times
   through Django's test client; prints queries, median and p95 server time and SQL time.
3. Starts gunicorn (production settings, 2 sync workers, loopback, BENCH_PORT) and puts a bounded
   concurrent load on each page (16 connections for BENCH_SECONDS), beside a trivial Django view
   (/health/ping/) measured in the same run, and prints requests/s and the ratio to the trivial view.

The last line is `bench-scale: worst p95 <ms> ms, lead pages <n> req/s, ratio <r>` where "lead pages"
is the slower of My items and the update page under load, and "ratio" is that over the trivial view's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _bench_database_url() -> str:
    """DATABASE_URL with its database name replaced by BENCH_DB (the bench never touches your own data)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench-scale needs DATABASE_URL pointing at PostgreSQL (the server to use).")
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + os.environ.get("BENCH_DB", "csp_bench")))


def _ensure_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        dbname="postgres",
        user=parts.username or "postgres",
        password=parts.password or None,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
        # The database settings docs/sizing.md recommends (and docker-compose.yml runs with).
        cursor.execute(f'ALTER DATABASE "{name}" SET jit = off')
        cursor.execute(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1')
    admin.close()


def _production_env(database_url: str) -> dict[str, str]:
    """The environment for the production settings on loopback (no TLS, so no HTTPS redirect)."""
    return {
        "DJANGO_SETTINGS_MODULE": "csp.settings.production",
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "CSP_LOG_LEVEL": "WARNING",
    }


# --- in-process measurement -------------------------------------------------------------------


class SqlTimer:
    """Counts queries and adds up their time (connection.execute_wrapper)."""

    def __init__(self) -> None:
        self.queries = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _measure_in_process(client, url: str, repeat: int) -> dict[str, float]:
    from django.db import connection

    for _ in range(3):  # warm caches, templates, connections
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    # As csp/wsgi.py does in each gunicorn worker once the app is loaded (here after the warm-up requests),
    # and as gunicorn.conf.py's post_request hook does after each response has been sent (so not timed).
    from csp.worker_gc import collect_between_requests, freeze_long_lived_objects

    freeze_long_lived_objects()
    totals, sqls, queries = [], [], []
    for _ in range(repeat):
        timer = SqlTimer()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            client.get(url)
            totals.append(time.perf_counter() - started)
        collect_between_requests()
        sqls.append(timer.seconds)
        queries.append(timer.queries)
    return {
        "queries": max(queries),
        "median_ms": statistics.median(totals) * 1000,
        "p95_ms": _p95(totals) * 1000,
        "sql_ms": statistics.median(sqls) * 1000,
    }


# --- load against gunicorn ---------------------------------------------------------------------


async def _one_request(port: int, path: str, credentials: str) -> int:
    """One GET; `credentials` is a whole header line ("Cookie: ..." or "Authorization: ...") or empty."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    headers = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    if credentials:
        headers += f"{credentials}\r\n"
    writer.write((headers + "\r\n").encode())
    await writer.drain()
    status_line = await reader.readline()
    await reader.read()  # gunicorn's sync workers close the connection after each response
    writer.close()
    return int(status_line.split()[1]) if status_line else 0


async def _load(port: int, path: str, credentials: str, connections: int, seconds: float) -> tuple[float, int]:
    """Requests/s and errors over `seconds` with `connections` clients each sending one request at a time."""
    deadline = time.monotonic() + seconds
    done = errors = 0

    async def client() -> None:
        nonlocal done, errors
        while time.monotonic() < deadline:
            try:
                status = await _one_request(port, path, credentials)
            except OSError:
                status = 0
            done += 1
            errors += status != 200

    started = time.monotonic()
    await asyncio.gather(*(client() for _ in range(connections)))
    return done / (time.monotonic() - started), errors


@contextmanager
def _gunicorn(env: dict[str, str], port: int, workers: int):
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "csp.wsgi",
        f"--config={ROOT / 'gunicorn.conf.py'}",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        "--log-level=warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if asyncio.run(_one_request(port, "/health/ping/", "")) == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise SystemExit("gunicorn did not answer within 30 s")
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


# --- the pages ------------------------------------------------------------------------------


def bench_pages(number: int) -> list[tuple[str, str, str]]:
    """(name, who, url) for the main pages of bench partnership `number`."""
    from django.urls import reverse

    from csp.models import Group, Partnership
    from plans.models import Objective, Plan
    from plans.services.national_data import national_area_analyst_username, national_slug

    partnership = Partnership.objects.get(slug=national_slug(number))
    plan = Plan.objects.get(partnership=partnership)
    lead_objective = Objective.objects.filter(plan=plan, leads__person__user__username__endswith="-lead-00").first()
    board = Group.objects.get(partnership=partnership, kind=Group.Kind.BOARD)
    slug, area = partnership.slug, partnership.area
    period = plan.current_period_id
    return [
        ("My items", f"{slug}-lead-00", reverse("plans:my_items")),
        ("Update page", f"{slug}-lead-00", reverse("plans:update_edit", args=[lead_objective.pk, period])),
        ("Plan page", f"{slug}-chair", reverse("plans:plan_detail", args=[plan.pk])),
        ("Objective page", f"{slug}-chair", reverse("plans:objective_detail", args=[lead_objective.pk])),
        ("Review dashboard", f"{slug}-chair", reverse("plans:review_dashboard")),
        ("Review inbox", f"{slug}-chair", reverse("plans:review_inbox")),
        ("Meeting pack", f"{slug}-chair", reverse("plans:meeting_pack", args=[board.pk])),
        ("Report list", f"{slug}-analyst", reverse("reporting:report_list")),
        ("Area dashboard", national_area_analyst_username(area), reverse("areas:dashboard", args=[area.slug])),
        # API clients sign in with a token (a coordinator's session would also need two-factor).
        ("API objectives", f"token:{slug}-coordinator", "/api/objectives/"),
        ("API updates", f"token:{slug}-coordinator", "/api/updates/"),
        ("API reviews", f"token:{slug}-coordinator", "/api/reviews/"),
        ("Trivial view", "", "/health/ping/"),
    ]


def bench_clients(whos: set[str]):
    """A test client and the header line for each user: a session cookie, or for "token:<username>" a
    read-only API token made for the run (earlier bench tokens of that user are revoked first)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from csp.tokens import ApiToken, api_token_create

    usernames = {who.removeprefix("token:") for who in whos if who}
    users = {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
    clients, credentials = {}, {}
    for who in whos:
        if not who:
            clients[who], credentials[who] = Client(), ""
        elif who.startswith("token:"):
            user = users[who.removeprefix("token:")]
            ApiToken.objects.filter(user=user, name="bench-scale").delete()
            _, secret = api_token_create(user=user, name="bench-scale", read_only=True, days=1)
            clients[who] = Client(HTTP_AUTHORIZATION=f"Token {secret}")
            credentials[who] = f"Authorization: Token {secret}"
        else:
            client = Client()
            client.force_login(users[who])
            clients[who] = client
            credentials[who] = f"Cookie: sessionid={client.cookies['sessionid'].value}"
    return clients, credentials


def _profile(clients, pages, page: str, repeat: int) -> None:
    import cProfile
    import pstats

    [(name, who, url)] = [p for p in pages if p[0] == page]
    _measure_in_process(clients[who], url, 3)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        clients[who].get(url)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--partnerships", type=int, default=int(os.environ.get("N", 300)))
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", 30)))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 5)))
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 2)))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8150)))
    parser.add_argument("--profile", metavar="PAGE", help="Only profile this page (cProfile) and print the top calls.")
    parser.add_argument("--only", metavar="PAGES", help="Only these pages, by name, comma-separated (a quick look).")
    parser.add_argument("--no-load", action="store_true", help="Skip the load against gunicorn (in-process only).")
    args = parser.parse_args()

    database_url = _bench_database_url()
    _ensure_database(database_url)
    env = _production_env(database_url)
    os.environ.update(env)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("generate_national", partnerships=args.partnerships)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size_mb = cursor.fetchone()[0] / 1024 / 1024
    print(f"database {urlsplit(database_url).path.lstrip('/')}: {size_mb:,.0f} MB for {args.partnerships} partnerships")

    pages = bench_pages(max(1, args.partnerships // 2))
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")} | {"Trivial view"}
        pages = [page for page in pages if page[0] in wanted]
    clients, credentials = bench_clients({who for _, who, _ in pages})

    if args.profile:
        _profile(clients, pages, args.profile, args.repeat)
        return

    from django.test import override_settings

    results = {}
    for name, who, url in pages:
        # Kept: as served when nothing in the page's partnerships changed since it was built (csp/kept_pages.py).
        results[name] = _measure_in_process(clients[who], url, args.repeat)
        # Built: the first view after a write, every part read from the database and rendered.
        with override_settings(CSP_FRAGMENT_CACHE=False):
            built = _measure_in_process(clients[who], url, args.repeat)
        results[name].update({f"built_{key}": value for key, value in built.items()})
    connection.close()

    if args.no_load:
        for name, r in results.items():
            print(
                f"{name:<18}{r['queries']:>8}{r['median_ms']:>11.1f}{r['p95_ms']:>9.1f}{r['sql_ms']:>9.1f}"
                f"{r['built_queries']:>9}{r['built_median_ms']:>9.1f}{r['built_p95_ms']:>9.1f}"
            )
        return
    with _gunicorn(env, args.port, args.workers):
        for name, who, url in pages:
            rate, errors = asyncio.run(_load(args.port, url, credentials[who], args.connections, args.seconds))
            results[name]["rps"] = rate
            results[name]["errors"] = errors
    trivial = results["Trivial view"]["rps"]

    print(
        f"\n{'page':<18}{'queries':>8}{'median ms':>11}{'p95 ms':>9}{'SQL ms':>9}{'x SQL':>7}{'req/s':>9}"
        f"{'ratio':>8}{'errors':>8}  |{'built q':>8}{'median':>8}{'p95':>7}{'SQL':>6}{'x SQL':>7}"
    )
    for name, r in results.items():
        over_sql = r["median_ms"] / r["sql_ms"] if r["sql_ms"] else 0
        built_over_sql = r["built_median_ms"] / r["built_sql_ms"] if r["built_sql_ms"] else 0
        print(
            f"{name:<18}{r['queries']:>8}{r['median_ms']:>11.1f}{r['p95_ms']:>9.1f}{r['sql_ms']:>9.1f}"
            f"{over_sql:>7.1f}{r['rps']:>9.1f}{r['rps'] / trivial:>8.3f}{r['errors']:>8}  |"
            f"{r['built_queries']:>8}{r['built_median_ms']:>8.1f}{r['built_p95_ms']:>7.1f}{r['built_sql_ms']:>6.1f}"
            f"{built_over_sql:>7.1f}"
        )
    print(
        f"\n{args.partnerships} partnerships; {args.repeat} in-process requests per page; "
        f"{args.connections} connections for {args.seconds:g} s per page on {args.workers} gunicorn sync workers; "
        f"{os.cpu_count()} CPUs.\nLeft of |: pages as served when nothing in their partnerships changed since they "
        "were last built (kept, csp/kept_pages.py), and the load against gunicorn.\nRight of |: the same pages built "
        "from the database (the first view after a write; in process, one request at a time)."
    )
    pages_only = {k: v for k, v in results.items() if k != "Trivial view"}
    worst = max(r["p95_ms"] for r in pages_only.values())
    lead = min(results.get(name, {"rps": float("inf")})["rps"] for name in ("My items", "Update page"))
    print(f"bench-scale: worst p95 {worst:.0f} ms, lead pages {lead:.0f} req/s, ratio {lead / trivial:.3f}")


if __name__ == "__main__":
    main()
