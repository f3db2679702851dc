"""Benchmark (not a test): the board report of a plan with 150 and 600 objectives.

Prints the whole job's time, WeasyPrint's own time on the same HTML, their ratio (the aim is 1.10
or less: the data and templates should cost little next to the layout) and peak resident memory (ru_maxrss).
Runs in a throwaway test database; `make bench` runs it with csp.settings.test.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp.settings.test")
os.environ.setdefault("CSP_MEDIA_ROOT", tempfile.mkdtemp(prefix="csp-bench-media-"))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

SIZES = (150, 600)
SECTIONS = 6
SAMPLE = (
    "partners met at the operational delivery group and agreed the next steps for the campaign with the police "
    "council housing and health colleagues while the analyst reviewed the latest figures"
)
WORDS = SAMPLE.split(" ")


def narrative(seed: int, words: int = 120) -> str:
    return " ".join(WORDS[(seed + i) % len(WORDS)] for i in range(words)).capitalize() + "."


def build_plan(objective_count: int):
    """A plan with six priorities/sections and `objective_count` objectives updated in Q1 and Q2."""
    from csp.models import Partnership, Person, RagStatus
    from csp.services import reporting_periods_ensure
    from plans.models import ExpectedOutcome, Objective, ObjectiveLead, OutcomeStatus, Plan, QuarterlyUpdate, Section
    from priorities.models import Priority

    partnership = Partnership.objects.create(name=f"Bench {objective_count} CSP", slug=f"bench-{objective_count}")
    periods = {(p.kind, p.number): p for p in reporting_periods_ensure(partnership=partnership, financial_year=2014)}
    q1, q2 = periods[("quarter", 1)], periods[("quarter", 2)]
    plan = Plan.objects.create(
        partnership=partnership,
        title="Bench plan",
        kind=Plan.Kind.ANNUAL,
        status=Plan.Status.LIVE,
        period_start=dt.date(2014, 4, 1),
        period_end=dt.date(2015, 3, 31),
        current_period=q2,
    )
    priorities = [
        Priority.objects.create(
            partnership=partnership,
            code=str(n + 1),
            title=f"Priority {n + 1}",
            period_start=plan.period_start,
            period_end=plan.period_end,
            position=n,
        )
        for n in range(SECTIONS)
    ]
    plan.priorities.set(priorities)
    sections = [
        Section.objects.create(plan=plan, number=str(n + 1), title=p.title, priority=p, position=n)
        for n, p in enumerate(priorities)
    ]
    people = [Person.objects.create(partnership=partnership, name=f"Officer {n}") for n in range(20)]
    objectives = Objective.objects.bulk_create(
        Objective(
            plan=plan,
            section=sections[n % SECTIONS],
            ref=f"{n % SECTIONS + 1}.{n // SECTIONS + 1}",
            title=f"Objective {n}: deliver the partnership's work on this priority with named partners",
            position=n,
            due_text="March 2015",
            cost_amount=Decimal(1000 + n),
            funding_source="PCC grant",
        )
        for n in range(objective_count)
    )
    Objective.priorities.through.objects.bulk_create(
        Objective.priorities.through(objective=o, priority=priorities[n % SECTIONS]) for n, o in enumerate(objectives)
    )
    ObjectiveLead.objects.bulk_create(
        ObjectiveLead(objective=o, person=people[n % len(people)]) for n, o in enumerate(objectives)
    )
    outcomes = ExpectedOutcome.objects.bulk_create(
        ExpectedOutcome(objective=o, number=k + 1, text=f"Outcome {k + 1} of {o.ref}")
        for o in objectives
        for k in range(2)
    )
    statuses = [RagStatus.GREEN, RagStatus.AMBER, RagStatus.RED]
    updates = QuarterlyUpdate.objects.bulk_create(
        QuarterlyUpdate(
            objective=o,
            period=period,
            progress=narrative(n),
            rag_status=statuses[(n + i) % 3],
            state=QuarterlyUpdate.State.SUBMITTED,
            spend_to_date=Decimal(100 + n),
        )
        for n, o in enumerate(objectives)
        for i, period in enumerate((q1, q2))
    )
    by_objective = {}
    for outcome in outcomes:
        by_objective.setdefault(outcome.objective_id, []).append(outcome)
    OutcomeStatus.objects.bulk_create(
        OutcomeStatus(update=u, outcome=outcome, rag_status=u.rag_status, note="On track")
        for u in updates
        for outcome in by_objective[u.objective_id]
    )
    return plan, q2


def measure(objective_count: int) -> dict:
    from django.db import reset_queries
    from django.test.utils import CaptureQueriesContext
    from pypdf import PdfReader

    from reporting.models import ReportJob
    from reporting.rendering import html_to_pdf, report_templates
    from reporting.services import report_render

    plan, period = build_plan(objective_count)

    def new_job() -> ReportJob:
        return ReportJob.objects.create(kind="board", partnership=plan.partnership, plan=plan, period=period)

    job = new_job()
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        job = report_render(job_id=job.pk)
        job_seconds = time.perf_counter() - started
    assert job.state == ReportJob.State.DONE, job.failure_reason
    document, _ = report_templates(job)
    started = time.perf_counter()
    pdf = html_to_pdf(document)
    weasy_seconds = time.perf_counter() - started
    return {
        "objectives": objective_count,
        "job_s": job_seconds,
        "weasyprint_s": weasy_seconds,
        "ratio": job_seconds / weasy_seconds,
        "queries": len(queries),
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "pdf_kb": len(pdf) / 1024,
        # Peak resident memory of the process so far: sizes run smallest first, so it is this size's peak.
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def warm_up() -> None:
    """Load fonts, templates and WeasyPrint once, so the first size is not charged for it."""
    from reporting.rendering import html_to_pdf

    html_to_pdf('<html lang="en"><title>warm up</title><body><p>Warm up</p></body></html>')


def main() -> None:
    setup_test_environment()
    warm_up()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        results = [measure(size) for size in SIZES]
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(
        f"{'objectives':>10} {'job s':>8} {'weasyprint s':>13} {'ratio':>6} {'queries':>8} {'pages':>6} "
        f"{'PDF KiB':>8} {'peak RSS MiB':>13}"
    )
    for r in results:
        print(
            f"{r['objectives']:>10} {r['job_s']:>8.2f} {r['weasyprint_s']:>13.2f} {r['ratio']:>6.2f} "
            f"{r['queries']:>8} {r['pages']:>6} {r['pdf_kb']:>8.0f} {r['peak_rss_mb']:>13.0f}"
        )
    print("target: ratio <= 1.10")


if __name__ == "__main__":
    main()
