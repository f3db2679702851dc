"""`make cluster-test`: the app run as a small cluster on loopback, loaded, and broken on purpose.

Starts (no Docker, loopback only, ports CLUSTER_BASE_PORT..+9, default 8160..):
  nginx (TLS, :8160) -> two gunicorn instances (:8161, :8162) with proxy_next_upstream retries;
  PgBouncer in transaction mode (:8163) in front of PostgreSQL (a fresh database, migrated, demo data);
  a local S3-compatible server (moto, :8164) for report files; two Celery workers and beat on Redis.
Runs a bounded mixed load through the proxy (page views, draft saves, submits, report requests,
reminder runs), stops one web instance and SIGKILLs one worker during it, then checks that every
request got an answer, every report finished once with its file readable through both web instances,
no reminder was sent twice, and the rows match what the load wrote. Last line:
`cluster-test: N passed, M failed`; exit status 1 on any failure. Everything it started is stopped.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import email
import hashlib
import html.parser
import itertools
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
BASE_PORT = int(os.environ.get("CLUSTER_BASE_PORT", "8160"))
PROXY, WEB1, WEB2, PGBOUNCER, S3 = (BASE_PORT + n for n in range(5))
PG_HOST, PG_PORT = "127.0.0.1", int(os.environ.get("CLUSTER_PG_PORT", "5432"))
DB_NAME = os.environ.get("CLUSTER_DB", "csp_cluster")
REDIS_URL = os.environ.get("CLUSTER_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"
QUEUE_PREFIX = f"csp-cluster-{BASE_PORT}-"
BUCKET = "csp-cluster"
VISIBILITY_TIMEOUT = 30  # seconds before a killed worker's report is delivered again
DEMO_PASSWORD_USERS = {"lead": "stevenage-lead", "analyst": "stevenage-analyst", "viewer": "stevenage-viewer"}
LOAD_THREADS = 6
VIEWER_REQUESTS = 80  # per viewer thread
DEADLINE_SECONDS = int(os.environ.get("CLUSTER_DEADLINE", "420"))

STARTED = time.monotonic()
checks: list[tuple[str, bool, str]] = []


def log(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def check(name: str, ok: bool, detail: str = "") -> None:
    checks.append((name, ok, detail))
    print(f"  {'PASS' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)


# --- processes ---------------------------------------------------------------------------------


class Cluster:
    """Every process started, each in its own process group, and how to stop them."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict | None = None, user: str | None = None) -> None:
        if user and os.geteuid() == 0:
            command = ["runuser", "-u", user, "--", *command]
        out = open(self.workdir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.procs[name] = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )

    def signal(self, name: str, sig: int) -> None:
        proc = self.procs[name]
        if proc.poll() is None:
            os.killpg(proc.pid, sig)

    def stop(self, name: str, timeout: float = 20) -> None:
        proc = self.procs.get(name)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=timeout)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        with contextlib.suppress(ProcessLookupError):  # anything left in the group (children of a master)
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for name in reversed(list(self.procs)):
            try:
                self.stop(name)
            except Exception as exc:  # keep stopping the others
                log(f"could not stop {name}: {exc}")

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.workdir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def wait_until(what: str, probe, timeout: float = 60, interval: float = 0.3):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            result = probe()
            if result:
                return result
        except Exception as exc:  # not up yet
            last = exc
        time.sleep(interval)
    raise RuntimeError(f"timed out waiting for {what}: {last}")


def port_open(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


# --- configuration files -----------------------------------------------------------------------


def write_tls_cert(workdir: Path) -> tuple[Path, Path]:
    cert, key = workdir / "tls.crt", workdir / "tls.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def write_nginx_conf(workdir: Path, cert: Path, key: Path, *, down: tuple[int, ...] = ()) -> Path:
    """The same proxy rules as deploy/nginx.conf, on loopback ports, with a private prefix."""
    ngx = workdir / "nginx"
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (ngx / sub).mkdir(parents=True, exist_ok=True)
        (ngx / sub).chmod(0o777)
    conf = ngx / "nginx.conf"
    conf.write_text(f"""
daemon off;
worker_processes 2;
pid {ngx}/nginx.pid;
error_log {ngx}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {ngx}/access.log;
    client_body_temp_path {ngx}/client_body;
    proxy_temp_path {ngx}/proxy;
    fastcgi_temp_path {ngx}/fastcgi;
    uwsgi_temp_path {ngx}/uwsgi;
    scgi_temp_path {ngx}/scgi;
    upstream csp_web {{
        server 127.0.0.1:{WEB1} max_fails=1 fail_timeout=5s{" down" if WEB1 in down else ""};
        server 127.0.0.1:{WEB2} max_fails=1 fail_timeout=5s{" down" if WEB2 in down else ""};
        keepalive 8;
    }}
    server {{
        listen 127.0.0.1:{PROXY} ssl;
        server_name 127.0.0.1;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        client_max_body_size 20m;
        location / {{
            proxy_pass http://csp_web;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto https;
            proxy_set_header X-Forwarded-Host $http_host;
            # An instance that is down or restarting: try the other one (also for a POST that
            # never reached it; nginx does not replay a POST an instance has started on).
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 3;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
        }}
    }}
}}
""")
    return conf


def write_pgbouncer_ini(workdir: Path) -> Path:
    pgb = workdir / "pgbouncer"
    pgb.mkdir()
    (pgb / "userlist.txt").write_text('"postgres" ""\n')
    ini = pgb / "pgbouncer.ini"
    ini.write_text(f"""[databases]
{DB_NAME} = host={PG_HOST} port={PG_PORT} dbname={DB_NAME} user=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {PGBOUNCER}
unix_socket_dir =
auth_type = trust
auth_file = {pgb}/userlist.txt
pool_mode = transaction
max_client_conn = 200
default_pool_size = 10
ignore_startup_parameters = extra_float_digits,options
logfile = {pgb}/pgbouncer.log
pidfile = {pgb}/pgbouncer.pid
""")
    if os.geteuid() == 0:
        shutil.chown(pgb, "postgres")
        for path in pgb.iterdir():
            shutil.chown(path, "postgres")
    return ini


# --- the app's environment ---------------------------------------------------------------------


def app_env(workdir: Path, *, direct_db: bool = False, settings: str = "csp.settings.production") -> dict:
    port = PG_PORT if direct_db else PGBOUNCER
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CSP_", "AWS_", "EMAIL_"))}
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        DJANGO_SECRET_KEY="cluster-test-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{PROXY}",
        DJANGO_LOG_LEVEL="WARNING",
        # Names agreed with the security settings (issue 10): trust X-Forwarded-* from one proxy.
        CSP_TRUSTED_PROXY_COUNT="1",
        CSP_SITE_URL=f"https://127.0.0.1:{PROXY}",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/{DB_NAME}",
        CSP_PGBOUNCER="0" if direct_db else "1",
        REDIS_URL=REDIS_URL,
        CSP_CELERY_QUEUE_PREFIX=QUEUE_PREFIX,
        CSP_BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        CSP_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=f"http://127.0.0.1:{S3}",
        AWS_S3_REGION_NAME="us-east-1",
        AWS_S3_ADDRESSING_STYLE="path",
        AWS_ACCESS_KEY_ID="cluster-test",
        AWS_SECRET_ACCESS_KEY="cluster-test-secret",
        EMAIL_URL="filemail://",
        EMAIL_FILE_PATH=str(workdir / "mail"),
        CSP_MEDIA_ROOT=str(workdir / "no-local-media"),
    )
    return env


def run_manage(env: dict, *args: str) -> None:
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")


def fresh_database() -> None:
    import psycopg2

    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{DB_NAME}"')
    conn.close()


def clear_redis() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for pattern in (f"{QUEUE_PREFIX}*", f"csp:beat:{QUEUE_PREFIX}*", "unacked*"):
        for key in client.scan_iter(pattern):
            client.delete(key)


# --- a browser-like client -----------------------------------------------------------------------


class FormParser(html.parser.HTMLParser):
    """The fields of the first form with a given action (or of every form), with their values."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self.radios: dict[str, list[str]] = {}
        self.textareas: list[str] = []
        self.selects: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "radio":
                self.radios.setdefault(name, []).append(a.get("value", ""))
            elif kind in ("hidden", "text") or kind == "number":
                self.fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "textarea" and name:
            self.textareas.append(name)
        elif tag == "select" and name:
            self._select = name
            self.selects[name] = []
        elif tag == "option" and self._select:
            self.selects[self._select].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def parse_form(page: str) -> FormParser:
    parser = FormParser()
    parser.feed(page)
    return parser


class Load:
    """Counts of what the load asked for and what it got back."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.unanswered: list[str] = []
        self.statuses: Counter = Counter()
        self.drafts_saved: set[int] = set()
        self.submitted: set[int] = set()
        self.report_jobs: list[int] = []

    def record(self, method: str, url: str, response) -> None:
        with self.lock:
            self.requests += 1
            if response is None:
                self.unanswered.append(f"{method} {url}: no answer")
            else:
                self.statuses[response.status_code] += 1
                if response.status_code >= 500:
                    self.unanswered.append(f"{method} {url}: {response.status_code}")


def session_for(username: str, cert: Path, load: Load):
    import requests

    s = requests.Session()
    s.trust_env = False  # REQUESTS_CA_BUNDLE would replace our certificate; no HTTP proxy on loopback
    s.verify = str(cert)
    base = f"https://127.0.0.1:{PROXY}"
    page = call(s, load, "GET", f"{base}/accounts/login/")
    token = parse_form(page.text).fields["csrfmiddlewaretoken"][0]
    response = call(
        s,
        load,
        "POST",
        f"{base}/accounts/login/",
        data={"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
    )
    if "sessionid" not in s.cookies:
        raise RuntimeError(f"{username} could not sign in: {response.status_code} {response.url}")
    return s


def call(s, load: Load, method: str, url: str, **kwargs):
    try:
        response = s.request(method, url, timeout=90, allow_redirects=True, **kwargs)
    except Exception as exc:
        load.record(method, url, None)
        raise RuntimeError(f"{method} {url}: {exc}") from exc
    load.record(method, url, response)
    return response


def csrf(s) -> str:
    return s.cookies.get("csrftoken", "")


# --- the load ------------------------------------------------------------------------------------


def save_update(s, load: Load, url: str, *, submit: bool) -> bool:
    """Open an update page, fill every field with valid values, and save it as a draft or submit it."""
    base = f"https://127.0.0.1:{PROXY}"
    page = call(s, load, "GET", base + url)
    form = parse_form(page.text)
    data: dict[str, object] = {k: v[0] for k, v in form.fields.items()}
    for name in form.textareas:
        data[name] = f"Cluster test progress {secrets.token_hex(4)}"
    for name, values in form.radios.items():
        data[name] = "green" if "green" in values else values[0]
    for name, values in form.selects.items():
        data[name] = "green" if "green" in values else next((v for v in values if v), "")
    if "spend_to_date" in data:
        data["spend_to_date"] = "100"
    data["action"] = "submit" if submit else "save"
    response = call(s, load, "POST", base + url, data=data, headers={"Referer": base + url})
    return response.status_code == 200 and ("was submitted" in response.text or "Draft saved" in response.text)


def lead_work(cert: Path, load: Load, urls: list[str], thread: int) -> None:
    s = session_for(DEMO_PASSWORD_USERS["lead"], cert, load)
    base = f"https://127.0.0.1:{PROXY}"
    for n, url in enumerate(urls):
        call(s, load, "GET", f"{base}/plans/my-items/")
        objective = int(re.search(r"/objectives/(\d+)/", url).group(1))
        if save_update(s, load, url, submit=False):
            with load.lock:
                load.drafts_saved.add(objective)
        if n % 2 == 0 and save_update(s, load, url, submit=True):
            with load.lock:
                load.submitted.add(objective)


def viewer_work(cert: Path, load: Load, paths: list[str], rounds: int) -> None:
    s = session_for(DEMO_PASSWORD_USERS["viewer"], cert, load)
    base = f"https://127.0.0.1:{PROXY}"
    for path in itertools.islice(itertools.cycle(paths), rounds):
        call(s, load, "GET", base + path)
        time.sleep(0.3)  # paced, so the load spans the worker kill and the web instance stop


def analyst_work(cert: Path, load: Load, requests_to_make: list[dict]) -> None:
    s = session_for(DEMO_PASSWORD_USERS["analyst"], cert, load)
    base = f"https://127.0.0.1:{PROXY}"
    for fields in requests_to_make:
        call(s, load, "GET", f"{base}/reports/")
        response = call(
            s,
            load,
            "POST",
            f"{base}/reports/",
            data={**fields, "csrfmiddlewaretoken": csrf(s)},
            headers={"Referer": f"{base}/reports/"},
        )
        match = re.search(r"/reports/(\d+)/$", response.url)
        if match:
            with load.lock:
                load.report_jobs.append(int(match.group(1)))
        time.sleep(1)


DEMO_PASSWORD = ""


def main() -> int:  # noqa: C901, PLR0915 - one straight script, read top to bottom
    global DEMO_PASSWORD
    for tool in ("nginx", "pgbouncer", "openssl"):
        if not (shutil.which(tool) or Path(f"/usr/sbin/{tool}").exists()):
            check(f"{tool} is installed (make system-deps)", False)
            return finish()
    workdir = Path(tempfile.mkdtemp(prefix="csp-cluster-"))
    workdir.chmod(0o755)
    (workdir / "mail").mkdir()
    cluster = Cluster(workdir)
    log(f"cluster-test: working folder {workdir}; ports {PROXY}-{S3}; Redis {REDIS_URL}")
    try:
        busy = [p for p in (PROXY, WEB1, WEB2, PGBOUNCER, S3) if port_open(p)]
        if busy:
            check("the cluster's ports are free", False, f"in use: {busy}")
            return finish()

        # Object storage, database, PgBouncer.
        cluster.start("s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(S3)])
        fresh_database()
        clear_redis()
        direct = app_env(workdir, direct_db=True, settings="csp.settings.dev")
        direct["CSP_DEMO_MODE"] = "1"
        log("migrating a fresh database and loading the demo data")
        run_manage(direct, "migrate", "--noinput")
        run_manage(direct, "load_demo")
        ini = write_pgbouncer_ini(workdir)
        pgbouncer = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        cluster.start("pgbouncer", [pgbouncer, str(ini)], user="postgres")
        wait_until("PgBouncer", lambda: port_open(PGBOUNCER), timeout=20)
        wait_until("the S3 server", lambda: port_open(S3), timeout=30)
        import boto3

        s3 = boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{S3}",
            region_name="us-east-1",
            aws_access_key_id="cluster-test",
            aws_secret_access_key="cluster-test-secret",
        )
        s3.create_bucket(Bucket=BUCKET)

        # Django in this process: the ORM through PgBouncer (as the app) for checks, Celery for sends.
        os.environ.update(app_env(workdir, settings="csp.settings.dev"))
        os.environ["CSP_DEMO_MODE"] = "1"
        import django

        django.setup()
        from plans.demo import DEMO_PASSWORD as password

        DEMO_PASSWORD = password

        # Web, proxy, workers, beat.
        env = app_env(workdir)
        gunicorn = [str(BIN / "gunicorn"), "csp.wsgi:application", "--config", str(ROOT / "gunicorn.conf.py")]
        gunicorn += ["--workers", "2", "--timeout", "60"]
        gunicorn += ["--graceful-timeout", "20", "--forwarded-allow-ips", "127.0.0.1"]
        cluster.start("web1", [*gunicorn, *web_args(workdir, WEB1)], env=env)
        cluster.start("web2", [*gunicorn, *web_args(workdir, WEB2)], env=env)
        queues = ",".join(f"{QUEUE_PREFIX}{kind}" for kind in ("reports", "email", "housekeeping"))
        for n in (1, 2):
            cluster.start(
                f"worker{n}",
                [str(BIN / "celery"), "-A", "csp", "worker", "-Q", queues, "-n", f"cluster{n}-{BASE_PORT}@%h"]
                + ["--concurrency", "1", "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
                env=env,
            )
        cluster.start(
            "beat",
            [str(BIN / "celery"), "-A", "csp", "beat", "--loglevel", "INFO", "-s", str(workdir / "beat-schedule")],
            env=env,
        )
        cert, key = write_tls_cert(workdir)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        conf = write_nginx_conf(workdir, cert, key)
        cluster.start("nginx", [nginx, "-c", str(conf), "-p", str(workdir / "nginx")])
        import requests

        for port in (WEB1, WEB2):
            wait_until(f"gunicorn :{port}", lambda p=port: port_open(p), timeout=60)
        wait_until(
            "the proxy",
            lambda: requests.get(f"https://127.0.0.1:{PROXY}/accounts/login/", verify=str(cert), timeout=5).ok,
            timeout=30,
        )
        from csp.celery import app as celery_app

        wait_until("two workers", lambda: len(celery_app.control.ping(timeout=1.0) or []) >= 2, timeout=60)
        log("cluster up: nginx, 2 gunicorn, PgBouncer, 2 workers, beat, S3")
        check_proxy_headers(cert)

        # What the load will touch.
        from django.db.models import Count

        from csp.models import ReportingPeriod
        from plans.models import Plan, QuarterlyUpdate, Reminder
        from reporting.models import ReportJob

        plan = Plan.objects.filter(partnership__slug__icontains="stevenage", status=Plan.Status.LIVE).first() or (
            Plan.objects.filter(partnership__slug__icontains="stevenage").first()
        )
        quarter = plan.current_period or ReportingPeriod.objects.filter(partnership=plan.partnership).first()
        lead = session_for(DEMO_PASSWORD_USERS["lead"], cert, load := Load())
        my_items = lead.get(f"https://127.0.0.1:{PROXY}/plans/my-items/", timeout=30).text
        linked = sorted(set(re.findall(r'href="(/plans/objectives/\d+/updates/\d+/)"', my_items)))
        # Only the items this lead officer may write (the page says so to anyone else).
        edit_urls = [
            url for url in linked if 'name="progress"' in lead.get(f"https://127.0.0.1:{PROXY}{url}", timeout=30).text
        ]
        updates_before = QuarterlyUpdate.objects.count()
        reminders_before = Reminder.objects.count()
        check("the lead officer has items to update", len(edit_urls) >= 2, f"{len(edit_urls)} items")
        per_thread = [edit_urls[i::2] for i in range(2)]
        kinds = [("board", quarter), ("rag", quarter), ("board", quarter), ("rag", quarter)]
        report_fields = [{"kind": k, "plan": plan.pk, "period": p.pk} for k, p in kinds]
        pages = ["/", f"/plans/{plan.pk}/", "/plans/my-items/", "/reports/", "/plans/review/"]
        # Every quarter deadline of the live plans (reminders before it) and two days after the
        # current one (overdue reminders): each day's run sent three times at once.
        deadlines = ReportingPeriod.objects.filter(
            partnership__plans__status=Plan.Status.LIVE, kind=ReportingPeriod.Kind.QUARTER
        ).values_list("update_deadline", flat=True)
        reminder_days = sorted({d for d in deadlines if d} | {quarter.update_deadline + dt.timedelta(days=2)})

        # The load, with a worker killed and a web instance stopped during it.
        log(f"load: {LOAD_THREADS} threads; reminder runs for {len(reminder_days)} days; {len(report_fields)} reports")
        from plans.tasks import send_update_reminders

        reminder_runs = [send_update_reminders.delay(day.isoformat()) for day in reminder_days for _ in range(3)]
        with concurrent.futures.ThreadPoolExecutor(LOAD_THREADS) as pool:
            futures = [pool.submit(lead_work, cert, load, urls, n) for n, urls in enumerate(per_thread)]
            futures.append(pool.submit(analyst_work, cert, load, report_fields))
            futures += [pool.submit(viewer_work, cert, load, pages, VIEWER_REQUESTS) for _ in range(LOAD_THREADS - 3)]
            victim, rendering = wait_until(
                "a worker rendering a report", lambda: worker_rendering(workdir), timeout=120, interval=0.1
            )
            log(f"SIGKILL {victim} (its process group) while reports {sorted(rendering)} are rendering")
            cluster.signal(victim, signal.SIGKILL)
            time.sleep(3)
            # As in a deploy (docs/deployment.md): take the instance out of the proxy, let the
            # requests it has finish, then stop it. nginx must not replay a POST, so an instance
            # stopped while requests wait in its accept queue would answer them with 502.
            log("draining web2 from the proxy, then stopping it (SIGTERM) during the load")
            write_nginx_conf(workdir, cert, key, down=(WEB2,))
            os.kill(cluster.procs["nginx"].pid, signal.SIGHUP)
            time.sleep(5)
            cluster.stop("web2")
            # Now a dead instance still listed in the proxy (a crash): connections to it are
            # refused, and nginx passes each request, POSTs too, to the other instance.
            log("web2 stopped; putting it back in the proxy while it is down (as after a crash)")
            write_nginx_conf(workdir, cert, key)
            os.kill(cluster.procs["nginx"].pid, signal.SIGHUP)
            errors = []
            for future in concurrent.futures.as_completed(futures, timeout=DEADLINE_SECONDS):
                try:
                    future.result()
                except Exception as exc:
                    errors.append(f"{exc}")
        log(f"load done: {load.requests} requests, statuses {dict(load.statuses)}")
        check("every load thread finished", not errors, "; ".join(errors[:3]))
        check(
            "every request through the proxy got an answer (no 5xx, no dropped connection)",
            not load.unanswered and load.requests > 50,
            f"{load.requests} requests; " + "; ".join(load.unanswered[:5]),
        )

        # Restart web2 (as a deploy would), then wait for the reports.
        refused = (workdir / "nginx" / "error.log").read_text().count("Connection refused")
        check("the proxy passed requests meant for the dead instance to the other one", refused > 0, f"{refused}")
        # The new web2 hands downloads out as short-lived signed URLs; web1 streams them.
        cluster.start("web2b", [*gunicorn, *web_args(workdir, WEB2)], env={**env, "CSP_DOWNLOAD_REDIRECT": "1"})
        wait_until("web2 again", lambda: port_open(WEB2), timeout=60)
        for run in reminder_runs:
            run.get(timeout=120, propagate=False)
        failed_runs = [run.id for run in reminder_runs if not run.successful()]
        check("every reminder run finished", not failed_runs, f"{len(reminder_runs)} runs; failed: {failed_runs[:3]}")
        jobs = load.report_jobs
        check("every report request made a job", len(jobs) == len(report_fields), f"{len(jobs)} jobs")
        wait_until(
            "every report job to finish",
            lambda: not ReportJob.objects.filter(pk__in=jobs).exclude(state__in=["done", "failed"]).exists(),
            timeout=VISIBILITY_TIMEOUT * 3 + 120,
            interval=1,
        )

        # Reports: done once, one object each, readable through both instances, private.
        done = {job.pk: job for job in ReportJob.objects.filter(pk__in=jobs)}
        check(
            "every report job finished as done",
            all(job.state == "done" for job in done.values()),
            ", ".join(f"#{j.pk} {j.state} ({j.attempts} tries) {j.failure_reason[:80]}" for j in done.values()),
        )
        analyst = session_for(DEMO_PASSWORD_USERS["analyst"], cert, Load())
        readable, objects_ok, signed = 0, 0, 0
        for job in done.values():
            keys = [
                o["Key"]
                for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=f"reports/{job.partnership_id}/{job.pk}/").get(
                    "Contents", []
                )
            ]
            objects_ok += keys == [job.pdf.name]
            for port in (WEB1, WEB2):
                # Straight to each instance, with the session the proxy's instances gave out.
                response = requests.get(
                    f"http://127.0.0.1:{port}/reports/{job.pk}/report.pdf",
                    headers={"X-Forwarded-Proto": "https", "Host": "127.0.0.1"},
                    cookies={"sessionid": analyst.cookies["sessionid"]},
                    allow_redirects=False,
                    timeout=30,
                )
                if port == WEB2:
                    location = response.headers.get("Location", "")
                    signed += response.status_code == 302 and "X-Amz-Expires=60" in location
                    response = requests.get(location, timeout=30) if location else response
                body = response.content
                readable += body.startswith(b"%PDF") and hashlib.sha256(body).hexdigest() == job.checksum
        check("each report is one object in the bucket", objects_ok == len(done), f"{objects_ok}/{len(done)}")
        check(
            "with CSP_DOWNLOAD_REDIRECT the view redirects to a signed URL of 60 seconds",
            signed == len(done),
            f"{signed}/{len(done)}",
        )
        check(
            "each report PDF is readable through both web instances (checksum)",
            readable == 2 * len(done),
            f"{readable}/{2 * len(done)}",
        )
        if done:
            any_job = next(iter(done.values()))
            anonymous = requests.get(f"http://127.0.0.1:{S3}/{BUCKET}/{any_job.pdf.name}", timeout=10)
            check(
                "a report object is not public", anonymous.status_code == 403, f"anonymous GET: {anonymous.status_code}"
            )
        # The killed worker's report was one of those rendering at the kill; the other worker's
        # finished in one try, the killed one's is delivered again after the visibility timeout.
        redelivered = [job for job in done.values() if job.state == "done" and job.attempts >= 2]
        check(
            "the killed worker's report was delivered again and finished",
            any(job.pk in rendering for job in redelivered),
            f"rendering at the kill: {sorted(rendering)}; delivered again: "
            + (", ".join(f"#{j.pk} ({j.attempts} tries)" for j in redelivered) or "none"),
        )

        # Reminders: each recorded once and e-mailed once.
        reminders = Reminder.objects.count() - reminders_before
        duplicates = Reminder.objects.values("person", "period", "kind").annotate(n=Count("id")).filter(n__gt=1)
        # E-mails may be sent by tasks the runs fanned out: give them a moment.
        with contextlib.suppress(RuntimeError):
            wait_until("the reminder e-mails", lambda: len(reminder_mail(workdir / "mail")) >= reminders, timeout=60)
        # Only the reminders: the same folder holds other e-mails (a report is ready, notifications).
        sent = reminder_mail(workdir / "mail")
        twice = [key for key, n in Counter(sent).items() if n > 1]
        check(
            "three concurrent reminder runs per day sent each reminder once",
            not twice and not duplicates.exists(),
            f"{twice[:3]}",
        )
        check(
            "every reminder recorded was e-mailed, once",
            len(sent) == reminders > 0,
            f"{reminders} recorded for {len(reminder_days)} days, {len(sent)} e-mails",
        )

        # Rows match what the load wrote.
        touched = load.drafts_saved | load.submitted
        rows = QuarterlyUpdate.objects.filter(objective_id__in=touched, period__in=_periods_of(edit_urls))
        check(
            "one update row per objective the load saved",
            rows.count() == len(touched) and QuarterlyUpdate.objects.count() - updates_before <= len(touched),
            f"{rows.count()} rows for {len(touched)} objectives",
        )
        submitted_rows = rows.filter(objective_id__in=load.submitted, state=QuarterlyUpdate.State.SUBMITTED).count()
        check(
            "every submit the load saw succeed is stored as submitted",
            submitted_rows == len(load.submitted) and len(load.submitted) >= 1,
            f"{submitted_rows}/{len(load.submitted)}",
        )
        # An identical request while the first is queued or rendering is given that job (issue 13), so the
        # rows are the distinct jobs the load was given.
        made = ReportJob.objects.filter(requested_by__username=DEMO_PASSWORD_USERS["analyst"]).count()
        check(
            "the report job rows are the ones the load asked for",
            made == len(set(jobs)),
            f"{made} rows for {len(jobs)} requests ({len(set(jobs))} distinct jobs)",
        )
    except Exception as exc:
        traceback.print_exc()
        check("the cluster test ran to the end", False, f"{type(exc).__name__}: {exc}")
        for name in cluster.procs:
            tail = cluster.log_tail(name, 15)
            if tail:
                print(f"--- {name} log (last lines) ---\n{tail}", flush=True)
    finally:
        log("stopping everything the cluster test started")
        cluster.stop_all()
        left = [name for name, proc in cluster.procs.items() if proc.poll() is None]
        check("every process the test started has stopped", not left, f"{left}")
        try:
            clear_redis()
        except Exception as exc:
            log(f"could not clear the test's Redis keys: {exc}")
        if not any(not ok for _, ok, _ in checks) and not os.environ.get("CLUSTER_KEEP"):
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log(f"logs kept in {workdir}")
    return finish()


RENDER_LINE = re.compile(r"Task reporting\.tasks\.render_report\[([0-9a-f-]+)\] (received|succeeded|failed|raised)")


def worker_rendering(workdir: Path) -> tuple[str, set[int]] | None:
    """(process name, jobs rendering now) when a worker holds a report task it has not finished.

    Read from the workers' own logs (Celery's `inspect` answers after its timeout, by which time
    a report of a second or two has finished) and the job rows (state 'rendering')."""
    from reporting.models import ReportJob

    for name in ("worker1", "worker2"):
        path = workdir / f"{name}.log"
        if not path.exists():
            continue
        open_tasks: set[str] = set()
        for task_id, event in RENDER_LINE.findall(path.read_text(errors="replace")):
            (open_tasks.add if event == "received" else open_tasks.discard)(task_id)
        if open_tasks:
            rendering = set(ReportJob.objects.filter(state="rendering").values_list("pk", flat=True))
            if rendering:
                return name, rendering
    return None


def web_args(workdir: Path, port: int) -> list[str]:
    """One gunicorn instance: its port and its own control socket (the default path is shared)."""
    return ["--bind", f"127.0.0.1:{port}", "--control-socket", str(workdir / f"gunicorn-{port}.ctl")]


def check_proxy_headers(cert: Path) -> None:
    """The proxy terminates TLS; the app sees https (secure cookies, no redirect loop)."""
    import requests

    response = requests.get(f"https://127.0.0.1:{PROXY}/accounts/login/", verify=str(cert), timeout=10)
    cookie = response.headers.get("Set-Cookie", "")
    check(
        "behind the TLS proxy the app answers 200 with secure cookies",
        response.status_code == 200 and "Secure" in cookie,
        f"{response.status_code} {cookie[:60]}",
    )


def _periods_of(urls: list[str]) -> set[int]:
    return {int(re.search(r"/updates/(\d+)/", url).group(1)) for url in urls}


def reminder_mail(folder: Path) -> list[tuple[str, str]]:
    """(to, subject) of every reminder e-mail (plans.services.reminders: 'Reminder: ...' or 'Overdue: ...')."""
    return [(to, subject) for to, subject in mail_sent(folder) if subject.startswith(("Reminder:", "Overdue:"))]


def mail_sent(folder: Path) -> list[tuple[str, str]]:
    """(to, subject) of every message the file e-mail backend wrote."""
    found = []
    for path in folder.glob("*.log"):
        for chunk in path.read_text(errors="replace").split("-" * 79):
            if chunk.strip():
                message = email.message_from_string(chunk.strip())
                if message["Subject"]:
                    found.append((message["To"], message["Subject"]))
    return found


def finish() -> int:
    failed = sum(1 for _, ok, _ in checks if not ok)
    passed = len(checks) - failed
    print(f"cluster-test: {passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
