"""Cross-surface agreement: the review dashboard, the API, the board report (HTML and PDF) and its XLSX export
give the same counts per status for a plan and quarter (and per priority), and each red or amber reason appears
in every one.

Run for the three demo plans and for generated plans (hypothesis): sections with and without a priority,
objectives with several priorities, the objective's and the plan's 'all priorities' flags, drafts, struck
objectives, returned and late updates, updates without a status, outcome notes.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from collections import Counter
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from csp.models import RagStatus, ReportingPeriod
from csp.services import reporting_periods_ensure
from plans.demo import demo_load
from plans.models import Objective, OutcomeStatus, Plan, QuarterlyUpdate
from plans.rules import addresses_priority_q, priorities_of_plan
from plans.selectors.status import STATUS_ORDER, STATUSES_WITH_REASON, PeriodStatus, period_status
from reporting.exports import PLAN_COLUMNS
from reporting.models import ReportJob
from reporting.rendering import report_templates
from reporting.services import report_render
from tests.api.conftest import client_for
from tests.factories import (
    ExpectedOutcomeFactory,
    MembershipFactory,
    ObjectiveFactory,
    PartnershipFactory,
    PlanFactory,
    PriorityFactory,
    QuarterlyUpdateFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

LABEL_TO_STATUS = {PeriodStatus.label(status): status for status in STATUS_ORDER}
TOTAL_ROW = "All objectives (each counted once)"


@dataclass
class Truth:
    """What the one rule says: counts per status of the live objectives, and the reasons behind red and amber."""

    counts: dict[str, int]
    reasons: set[str]


def truth_of(plan: Plan, quarter: ReportingPeriod) -> Truth:
    """The expected figures, from the Python side of the status rule."""
    counts = dict.fromkeys(STATUS_ORDER, 0)
    reasons: set[str] = set()
    for objective in plan.objectives.exclude(state=Objective.State.STRUCK).prefetch_related("updates"):
        update = next((u for u in objective.updates.all() if u.period_id == quarter.pk), None)
        status = period_status(update)
        counts[status] += 1
        if status in STATUSES_WITH_REASON:
            reasons |= {update.rag_note} if update.rag_note else set()
            reasons |= {s.note for s in OutcomeStatus.objects.filter(update=update) if s.note}
    return Truth(counts, reasons)


def _flat(text: str) -> str:
    return " ".join(html.unescape(text).split())


def dashboard_surface(client: Client, plan: Plan, quarter: ReportingPeriod) -> tuple[dict[str, int], str]:
    """The dashboard's counts, and the text of its red and amber lists."""
    url = reverse("plans:review_dashboard")
    response = client.get(url, {"plan": plan.pk, "period": quarter.pk, "status": "all"})
    assert response.status_code == 200
    counts = {status: response.context["total"].counts.get(status, 0) for status in STATUS_ORDER}
    texts = []
    for status in STATUSES_WITH_REASON:
        for page in range(1, 1 + (counts[status] + 24) // 25):
            listed = client.get(url, {"plan": plan.pk, "period": quarter.pk, "status": status, "page": page})
            texts.append(listed.content.decode())
    return counts, _flat(" ".join(texts))


def api_surface(api, plan: Plan) -> tuple[dict[str, int], str]:
    """The API's filtered counts (struck objectives taken out, as every other surface does) and its reasons."""
    counts = {}
    texts = []
    for status in STATUS_ORDER:
        every = api.get("/api/objectives/", {"plan": plan.pk, "status": status, "page_size": 1}).json()["count"]
        struck = api.get("/api/objectives/", {"plan": plan.pk, "status": status, "state": "struck", "page_size": 1})
        counts[status] = every - struck.json()["count"]
        if status in STATUSES_WITH_REASON:
            rows = api.get("/api/objectives/", {"plan": plan.pk, "status": status, "page_size": 200}).json()["results"]
            for row in rows:
                if row["state"] != Objective.State.STRUCK:
                    texts.append(row["current_status_reason"] or "")
                    texts += [note["note"] for note in row["current_outcome_notes"]]
    return counts, _flat(" ".join(texts))


def report_html_counts(page: str) -> dict[str, int]:
    """The total row of the report's counts table, each cell read by its status name under the header of that name."""
    table = re.search(r'<table class="[^"]*app-counts">(.*?)</table>', page, re.S).group(1)
    headers = re.findall(r'<th scope="col"[^>]*data-status="(\w+)">([^<]+)<', table)
    assert [(status, PeriodStatus.label(status)) for status in STATUS_ORDER] == headers
    for row in re.findall(r"<tr class=\"govuk-table__row[^\"]*\">(.*?)</tr>", table, re.S)[1:]:
        assert re.findall(r'<td[^>]*data-status="(\w+)"', row) == list(STATUS_ORDER)
    footer = re.search(r"<tfoot>(.*?)</tfoot>", table, re.S).group(1)
    return {status: int(count) for status, count in re.findall(r'data-status="(\w+)">(\d+)<', footer)}


def report_html_priority_totals(page: str) -> dict[str, int]:
    """Each priority row's total in the report's counts table, by the row's words."""
    table = re.search(r'<table class="[^"]*app-counts">(.*?)</table>', page, re.S).group(1)
    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", table, re.S).group(1)
    rows = re.findall(r'<th scope="row"[^>]*>([^<]*)</th>.*?(\d+)</td>\s*</tr>', body, re.S)
    return {html.unescape(label): int(total) for label, total in rows}


def priority_agreement(client: Client, api, plan: Plan, quarter: ReportingPeriod, page: str) -> None:
    """Per priority: the dashboard's filtered total, the API's filtered count and the report's row agree."""
    report_rows = report_html_priority_totals(page)
    for priority in priorities_of_plan(plan):
        dashboard = client.get(
            reverse("plans:review_dashboard"),
            {"plan": plan.pk, "period": quarter.pk, "status": "all", "priority": priority.pk},
        ).context["total"]
        every = api.get("/api/objectives/", {"plan": plan.pk, "priority": priority.pk}).json()["count"]
        struck = api.get("/api/objectives/", {"plan": plan.pk, "priority": priority.pk, "state": "struck"})
        expected = plan.objectives.exclude(state=Objective.State.STRUCK).filter(addresses_priority_q(priority)).count()
        assert dashboard.total == expected, priority
        assert every - struck.json()["count"] == expected, priority
        assert report_rows[str(priority)] == expected, priority


def xlsx_surface(content: bytes, quarter: ReportingPeriod) -> tuple[dict[str, int], str]:
    """Counts of the export's status column for the quarter's live rows, and its reasons and outcome notes."""
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == PLAN_COLUMNS
    column = {name: index for index, name in enumerate(PLAN_COLUMNS)}
    counts = Counter()
    texts = []
    for row in rows[1:]:
        if row[column["Period"]] != quarter.label or row[column["State"]] == Objective.State.STRUCK.label:
            continue
        counts[LABEL_TO_STATUS[row[column["Status"]]]] += 1
        texts += [row[column["Reason for red or amber"]] or "", row[column["Outcome statuses"]] or ""]
    return {status: counts.get(status, 0) for status in STATUS_ORDER}, _flat(" ".join(texts))


def pdf_text(job: ReportJob) -> str:
    with job.pdf.open("rb") as handle:
        return _flat(" ".join(page.extract_text() for page in PdfReader(handle).pages))


def check_every_surface_agrees(plan: Plan, quarter: ReportingPeriod, *, with_pdf: bool) -> Truth:
    """Ask each surface for the plan's figures in the quarter and compare them with the rule and each other."""
    Plan.objects.filter(pk=plan.pk).update(current_period=quarter, status=Plan.Status.LIVE)
    plan.refresh_from_db()
    user = MembershipFactory(partnership=plan.partnership, roles=("coordinator",)).user
    client = Client()
    client.force_login(user)
    truth = truth_of(plan, quarter)

    dashboard_counts, dashboard_text = dashboard_surface(client, plan, quarter)
    api = client_for(user)
    api_counts, api_text = api_surface(api, plan)

    job = ReportJob.objects.create(
        kind=ReportJob.Kind.BOARD, partnership=plan.partnership, plan=plan, period=quarter, requested_by=user
    )
    if with_pdf:
        job = report_render(job_id=job.pk)
        assert job.state == ReportJob.State.DONE, job.failure_reason
    else:
        _document, body = report_templates(job)
        ReportJob.objects.filter(pk=job.pk).update(state=ReportJob.State.DONE, html_snapshot=body)
    page = client.get(reverse("reporting:report_html", args=[job.pk])).content.decode()
    html_counts = report_html_counts(page)
    priority_agreement(client, api, plan, quarter, page)
    xlsx = client.get(reverse("reporting:report_export", args=[job.pk, "xlsx"]))
    xlsx_counts, xlsx_text = xlsx_surface(b"".join(xlsx.streaming_content), quarter)

    assert dashboard_counts == truth.counts
    assert api_counts == truth.counts
    assert html_counts == truth.counts
    assert xlsx_counts == truth.counts
    total = sum(truth.counts.values())
    assert total == plan.objectives.exclude(state=Objective.State.STRUCK).count()
    for reason in truth.reasons:
        flat = _flat(reason)
        assert flat in dashboard_text, ("dashboard", reason)
        assert flat in api_text, ("api", reason)
        assert flat in _flat(page), ("report html", reason)
        assert flat in xlsx_text, ("xlsx", reason)
    if with_pdf:
        text = pdf_text(job)
        figures = " ".join(str(truth.counts[status]) for status in STATUS_ORDER)
        assert f"{TOTAL_ROW} {figures} {total}" in text
        for reason in truth.reasons:
            assert _flat(reason) in text, ("pdf", reason)
    return truth


# The demo plans -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "objectives"),
    [("stevenage", 27), ("east-herts", 37), ("hastings", 14)],
)
def test_demo_plans_agree_on_every_surface(slug, objectives, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    demo_load()
    plan = Plan.objects.get(partnership__slug=slug)
    # The quarter with updates in (Stevenage Q1), else the plan's current quarter.
    with_updates = ReportingPeriod.objects.filter(kind="quarter", updates__objective__plan=plan).distinct().first()
    quarter = with_updates or plan.current_period
    truth = check_every_surface_agrees(plan, quarter, with_pdf=True)
    # Each objective is counted once: Hastings is 14, not the 43 objective-priority pairs.
    assert sum(truth.counts.values()) == objectives


def test_stevenage_q1_red_and_amber_reasons_reach_every_surface(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    demo_load()
    plan = Plan.objects.get(partnership__slug="stevenage")
    quarter = ReportingPeriod.objects.get(partnership=plan.partnership, kind="quarter", financial_year=2014, number=1)
    truth = check_every_surface_agrees(plan, quarter, with_pdf=False)
    assert truth.counts[PeriodStatus.RED] == 5
    assert truth.counts[PeriodStatus.NO_STATUS] == 21
    assert truth.reasons


# Generated plans ------------------------------------------------------------------------------------------

WORDS = ["venue lost", "funding cut", "staff off sick", "partner withdrew", "delayed by the court", "data late"]
UPDATE_STATES = [state.value for state in QuarterlyUpdate.State]

update_specs = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "state": st.sampled_from(UPDATE_STATES),
            "rag": st.sampled_from([rag.value for rag in RagStatus]),
            "late": st.booleans(),
            "reason": st.booleans(),
            "outcome_notes": st.lists(st.booleans(), max_size=2),
        }
    ),
)
objective_specs = st.fixed_dictionaries(
    {
        "section": st.integers(min_value=-1, max_value=2),
        "priorities": st.sets(st.integers(min_value=0, max_value=2), max_size=3),
        "all_flag": st.booleans(),
        "struck": st.booleans(),
        "update": update_specs,
    }
)
plan_specs = st.fixed_dictionaries(
    {
        "plan_flag": st.booleans(),
        "section_priorities": st.lists(st.one_of(st.none(), st.integers(0, 2)), min_size=3, max_size=3),
        "objectives": st.lists(objective_specs, min_size=1, max_size=10),
    }
)


def build_generated_plan(spec: dict) -> tuple[Plan, ReportingPeriod]:
    partnership = PartnershipFactory()
    quarters = [
        p for p in reporting_periods_ensure(partnership=partnership, financial_year=2014) if p.kind == "quarter"
    ]
    quarter = quarters[1]
    plan = PlanFactory(partnership=partnership, objectives_address_all_priorities=spec["plan_flag"])
    priorities = [PriorityFactory(partnership=partnership) for _ in range(3)]
    plan.priorities.add(*priorities[:2])
    sections = [
        SectionFactory(plan=plan, priority=priorities[p] if p is not None else None) for p in spec["section_priorities"]
    ]
    for index, item in enumerate(spec["objectives"]):
        struck = {"state": Objective.State.STRUCK, "struck_on": dt.date(2014, 8, 1), "struck_reason": "Done."}
        objective = ObjectiveFactory(
            plan=plan,
            ref=f"G{index}",
            section=sections[item["section"]] if item["section"] >= 0 else None,
            addresses_all_priorities=item["all_flag"],
            **(struck if item["struck"] else {}),
        )
        objective.priorities.add(*[priorities[p] for p in item["priorities"]])
        given = item["update"]
        if given is None:
            continue
        update = QuarterlyUpdateFactory(
            objective=objective,
            period=quarter,
            state=given["state"],
            rag_status=given["rag"],
            is_late=given["late"],
            rag_note=f"Reason {index}: {WORDS[index % len(WORDS)]}" if given["reason"] else "",
        )
        for number, with_note in enumerate(given["outcome_notes"], start=1):
            outcome = ExpectedOutcomeFactory(objective=objective, number=number)
            note = f"Outcome note {index}.{number}: {WORDS[(index + number) % len(WORDS)]}" if with_note else ""
            OutcomeStatus.objects.create(update=update, outcome=outcome, rag_status=given["rag"], note=note)
        # An earlier quarter's update never changes this quarter's figures.
        QuarterlyUpdateFactory(objective=objective, period=quarters[0], state="submitted", rag_status="red")
    return plan, quarter


_examples_with_pdf = {"left": 3}


@hypothesis_settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=plan_specs)
def test_generated_plans_agree_on_every_surface(spec, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # PDF text for the first few examples only: WeasyPrint is the slow part.
    with_pdf = _examples_with_pdf["left"] > 0
    _examples_with_pdf["left"] -= 1
    with transaction.atomic():
        plan, quarter = build_generated_plan(spec)
        check_every_surface_agrees(plan, quarter, with_pdf=with_pdf)
        transaction.set_rollback(True)
