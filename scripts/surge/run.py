"""Quarter-end surge test: `make surge` (SURGE_SECONDS=120) or `python scripts/surge/run.py --seconds 30`.

On the bench database (BENCH_DB, made by `make bench-scale`; at least --partnerships of it), starts
gunicorn with the production settings on loopback, logs in the lead officers, chairs and analysts of
those partnerships, runs locust headless (70% leads: view, save a draft, submit; 20% chairs:
dashboard, approve or return; 10% analysts: request a board report) for a bounded time, then counts
rows: every write the load saw succeed must be in the database once (the sum of update versions
rises by one per write; one review per decision; every report request answered with a job, identical
requests sharing the one still waiting). Prints p95, errors.
Report jobs are queued on Redis (REDIS_URL) and purged afterwards: this measures the web tier.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_scale import _bench_database_url, _ensure_database, _gunicorn, _production_env  # noqa: E402


def _prepare(partnerships: int, host: str) -> dict:
    from django.contrib.auth import get_user_model
    from django.db.models import Q
    from django.test import Client
    from django.urls import reverse

    from csp.models import Partnership
    from plans.models import Objective, Plan, QuarterlyUpdate
    from plans.services.national_data import national_slug

    def session(user) -> str:
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="national-")}
    data: dict = {"host": host, "leads": [], "chairs": [], "analysts": []}
    for number in range(1, partnerships + 1):
        slug = national_slug(number)
        partnership = Partnership.objects.get(slug=slug)
        plan = Plan.objects.get(partnership=partnership)
        period = plan.current_period
        open_items = Objective.objects.filter(plan=plan).exclude(
            Q(updates__period=period) & ~Q(updates__state__in=["draft", "returned"])
        )
        by_lead: dict[str, list[str]] = {}
        # Officers who sign in; an organisation or group lead has no one to act for it.
        led = open_items.filter(leads__person__user__isnull=False).distinct()
        for objective_id, username in led.values_list("pk", "leads__person__user__username"):
            by_lead.setdefault(username, []).append(reverse("plans:update_edit", args=[objective_id, period.pk]))
        for username, items in by_lead.items():
            data["leads"].append({"session": session(users[username]), "items": items})
        submitted = QuarterlyUpdate.objects.filter(objective__plan=plan, period=period, state="submitted")
        pairs = list(submitted.values_list("pk", "objective_id"))
        data["chairs"].append(
            {
                "session": session(users[f"{slug}-chair"]),
                "updates": [pk for pk, _ in pairs],
                "objective_of": {str(pk): objective for pk, objective in pairs},
            }
        )
        data["analysts"].append({"session": session(users[f"{slug}-analyst"]), "plan": plan.pk, "period": period.pk})
    return data


def _counts(partnerships: int) -> dict[str, int]:
    from django.db.models import Sum

    from plans.models import QuarterlyUpdate, Review
    from reporting.models import ReportJob

    mine = {"partnership__slug__in": [f"national-{n:04d}" for n in range(1, partnerships + 1)]}
    updates = QuarterlyUpdate.objects.filter(objective__plan__partnership__slug__in=mine["partnership__slug__in"])
    return {
        "version_sum": updates.aggregate(total=Sum("version"))["total"] or 0,
        "reviews": Review.objects.filter(update__in=updates).count(),
        "report_jobs": ReportJob.objects.filter(**mine).count(),
        "report_job_ids": set(ReportJob.objects.filter(**mine).values_list("pk", flat=True)),
    }


def _print_fragment_stats(stats: dict[str, dict[str, int]]) -> None:
    """Each kept page (and API list) the load asked for: how often it was served kept, how often built."""
    print("\nkept pages under load (csp/content_version.py): served kept, built")
    for name, counts in stats.items():
        served = counts["kept"] + counts["built"]
        print(f"  {name:<58}{counts['kept']:>7}{counts['built']:>7}{100 * counts['built'] / served:>6.0f}% built")
    kept = sum(counts["kept"] for counts in stats.values())
    served = kept + sum(counts["built"] for counts in stats.values())
    print(f"kept pages: {kept} of {served} served kept ({100 * kept / max(served, 1):.0f}%)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--users", type=int, default=16, help="Concurrent locust users (default 16).")
    parser.add_argument("--partnerships", type=int, default=int(os.environ.get("SURGE_PARTNERSHIPS", 10)))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 2)))
    parser.add_argument("--port", type=int, default=int(os.environ.get("SURGE_PORT", 8151)))
    args = parser.parse_args()

    _ensure_database(_bench_database_url())  # a fresh machine (or BENCH_DB) needs no bench run first
    env = _production_env(_bench_database_url())
    env["REDIS_URL"] = os.environ.get("REDIS_URL", "")
    env["CSP_FRAGMENT_STATS"] = "1"  # how often the load is served kept pages and built ones
    if not env["REDIS_URL"]:
        sys.exit("make surge needs REDIS_URL (report requests are queued, not rendered in the request)")
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("generate_national", partnerships=args.partnerships)
    host = f"127.0.0.1:{args.port}"
    work = Path(tempfile.mkdtemp(prefix="csp-surge-"))
    (work / "data.json").write_text(json.dumps(_prepare(args.partnerships, host)))
    before = _counts(args.partnerships)
    from csp.content_version import fragment_stats, fragment_stats_reset

    fragment_stats_reset()
    locust = [
        str(Path(sys.executable).with_name("locust")),
        "-f",
        str(Path(__file__).with_name("locustfile.py")),
        "--headless",
        f"--users={args.users}",
        f"--spawn-rate={args.users}",
        f"--run-time={args.seconds}s",
        # At the end each user finishes its round, so no write is cut off between server and counter.
        "--stop-timeout=60",
        f"--host=http://{host}",
        f"--csv={work / 'surge'}",
        "--only-summary",
        "--loglevel=WARNING",
    ]
    with _gunicorn(env, args.port, args.workers):
        subprocess.run(
            locust,
            env={**os.environ, "SURGE_DATA": str(work / "data.json"), "SURGE_WRITES": str(work / "writes.json")},
            check=False,
        )
    after = _counts(args.partnerships)
    from csp.celery import app

    app.control.purge()  # the report jobs were queued only to measure the web tier

    writes = json.loads((work / "writes.json").read_text())
    with (work / "surge_stats.csv").open() as file:
        rows = {row["Name"]: row for row in csv.DictReader(file)}
    total = rows["Aggregated"]
    p95 = float(total["95%"])
    errors = int(total["Failure Count"])
    seen_job_ids = writes.pop("report job ids", [])
    lead_and_chair = writes.get("Save draft", 0) + writes.get("Submit", 0) + writes.get("Approve or return", 0)
    checks = {
        "update writes (sum of versions)": (after["version_sum"] - before["version_sum"], lead_and_chair),
        "reviews": (after["reviews"] - before["reviews"], writes.get("Approve or return", 0)),
        # Identical requests share the job still waiting (reporting.services.report_request), so every
        # answered request must point at a job, and the new jobs must be exactly those pointed at.
        "report jobs (new, distinct ids answered)": (
            len(after["report_job_ids"] - before["report_job_ids"]),
            len(set(seen_job_ids) - before["report_job_ids"]),
        ),
        "report requests answered with a job that exists": (
            len(set(seen_job_ids) & after["report_job_ids"]),
            len(set(seen_job_ids)),
        ),
    }
    print(f"\nwrites seen by the load: {json.dumps(writes, sort_keys=True)}")
    for name, (in_db, seen) in checks.items():
        verdict = "ok" if in_db == seen else "MISMATCH"
        print(f"{name}: {in_db} in the database, {seen} succeeded under load -> {verdict}")
    _print_fragment_stats(fragment_stats())
    lost_or_doubled = sum(abs(in_db - seen) for in_db, seen in checks.values())
    print(
        f"surge: {args.seconds} s, {args.users} users, {int(total['Request Count'])} requests, "
        f"p95 {p95:.0f} ms, errors {errors}, lost or doubled writes {lost_or_doubled}"
    )
    sys.exit(0 if errors == 0 and lost_or_doubled == 0 else 1)


if __name__ == "__main__":
    main()
