"""Next to every red or amber status, the reason and the outcome notes: in every report kind, the CSV,
the meeting pack and the item page."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from django.urls import reverse

from csp.models import Group
from reporting.exports import PLAN_COLUMNS, report_csv_lines
from reporting.models import ReportJob
from reporting.rendering import report_templates

pytestmark = pytest.mark.django_db

REASON = "Venue cancelled at a week's notice"
OUTCOME_NOTE = "Venue lost"


@pytest.fixture
def red_with_reason(report_plan):
    """1.1 is red in Q2 with a reason and an outcome note."""
    report_plan.objectives["1.1"].updates.filter(period=report_plan.q2).update(rag_note=REASON)
    return report_plan


def _flat(text: str) -> str:
    """The words of a page, tags taken out."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


@pytest.mark.parametrize("kind", ["board", "rag", "pcc"])
def test_every_plan_report_shows_the_reason_and_outcome_notes(kind, red_with_reason):
    period = red_with_reason.h1 if kind == "pcc" else red_with_reason.q2
    job = ReportJob.objects.create(
        kind=kind, partnership=red_with_reason.plan.partnership, plan=red_with_reason.plan, period=period
    )
    document, body = report_templates(job)
    for text in (_flat(document), _flat(body)):
        assert f"Reason for red: {REASON}" in text
        assert f"Outcome 1 (Red): {OUTCOME_NOTE}" in text


def test_the_area_report_shows_the_reason_and_outcome_notes(red_with_reason):
    partnership = red_with_reason.plan.partnership
    job = ReportJob.objects.create(kind="area", partnership=partnership, period=red_with_reason.q2)
    job.covered_partnerships.set([partnership])
    _document, body = report_templates(job)
    assert f"Reason for red: {REASON}" in _flat(body)
    assert f"Outcome 1 (Red): {OUTCOME_NOTE}" in _flat(body)


def test_the_export_has_the_reason_beside_the_status(red_with_reason):
    job = ReportJob.objects.create(
        kind="board", partnership=red_with_reason.plan.partnership, plan=red_with_reason.plan, period=red_with_reason.q2
    )
    lines = "".join(report_csv_lines(job))
    rows = [
        dict(zip(PLAN_COLUMNS, row, strict=True)) for row in list(csv.reader(io.StringIO(lines.lstrip("\ufeff"))))[1:]
    ]
    row = next(r for r in rows if r["Ref"] == "1.1" and r["Period"] == "Q2 2014/15")
    assert (row["Status"], row["Reason for red or amber"]) == ("Red", REASON)
    assert OUTCOME_NOTE in row["Outcome statuses"]
    green = next(r for r in rows if r["Ref"] == "1.2" and r["Period"] == "Q2 2014/15")
    assert green["Reason for red or amber"] == ""


def test_the_meeting_pack_shows_the_reason_and_outcome_notes(red_with_reason, client, make_member):
    plan = red_with_reason.plan
    board = Group.objects.create(partnership=plan.partnership, name="Board", kind=Group.Kind.BOARD)
    plan.owning_group = board
    plan.save()
    client.force_login(make_member(plan.partnership, "coordinator"))
    page = _flat(client.get(reverse("plans:meeting_pack", args=[board.pk])).content.decode())
    assert f"Reason: {REASON}" in page
    assert f"Outcome 1 (Red): {OUTCOME_NOTE}" in page


def test_the_item_page_shows_the_reason_next_to_the_latest_status(red_with_reason, client, make_member):
    objective = red_with_reason.objectives["1.1"]
    client.force_login(make_member(objective.plan.partnership, "viewer"))
    page = _flat(client.get(reverse("plans:objective_detail", args=[objective.pk])).content.decode())
    assert "Latest status (Q2 2014/15): Red" in page
    assert f"Reason: {REASON}" in page
    assert f"Outcome 1 (Red): {OUTCOME_NOTE}" in page
