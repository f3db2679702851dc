"""XLSX and CSV exports: one row per objective and quarter, values from the database, formulas neutralised."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from reporting.exports import PLAN_COLUMNS, neutralise, report_csv_lines, report_xlsx
from reporting.models import ReportJob


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 1438", "'+44 1438"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Safe text", "Safe text"),
        (Decimal("-5.00"), Decimal("-5.00")),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def _board_job(report_plan, user=None) -> ReportJob:
    return ReportJob.objects.create(
        kind="board", partnership=report_plan.plan.partnership, plan=report_plan.plan, period=report_plan.q2
    )


def test_csv_has_one_row_per_objective_and_quarter(report_plan):
    rows = list(csv.reader(io.StringIO("".join(report_csv_lines(_board_job(report_plan))).lstrip("\ufeff"))))
    assert rows[0] == PLAN_COLUMNS
    assert len(rows) - 1 == 4 * 2  # four objectives, Q1 and Q2


def test_csv_values_match_the_database(report_plan):
    lines = "".join(report_csv_lines(_board_job(report_plan))).lstrip("\ufeff")
    rows = [dict(zip(PLAN_COLUMNS, row, strict=True)) for row in list(csv.reader(io.StringIO(lines)))[1:]]
    row = next(r for r in rows if r["Ref"] == "1.1" and r["Period"] == "Q2 2014/15")
    update = report_plan.objectives["1.1"].updates.get(period=report_plan.q2)
    assert row["Status"] == "Red"
    assert row["Progress"] == update.progress
    assert Decimal(row["Spend to date"]) == update.spend_to_date
    assert Decimal(row["Cost"]) == report_plan.objectives["1.1"].cost_amount
    assert row["Lead officers"] == "Debbie Barker"
    assert row["Outcome statuses"] == "1. Red: Venue lost"
    assert row["Funding source"] == "PCC grant"
    draft = next(r for r in rows if r["Ref"] == "2.1" and r["Period"] == "Q1 2014/15")
    assert draft["Update state"] == "Draft"
    assert draft["Status"] == "No update"


def test_xlsx_values_match_the_database_and_formulas_are_text(report_plan):
    report_plan.objectives["1.2"].title = "=cmd|' /C calc'!A0"
    report_plan.objectives["1.2"].save()
    workbook = load_workbook(io.BytesIO(report_xlsx(_board_job(report_plan))))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, (cell.value for cell in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 8
    dash = next(r for r in rows if r["Ref"] == "1.2")
    assert dash["Objective"] == "'=cmd|' /C calc'!A0"
    assert sheet.cell(row=2, column=header.index("Objective") + 1).data_type == "s"
    red = next(r for r in rows if r["Ref"] == "1.1" and r["Period"] == "Q2 2014/15")
    assert red["Spend to date"] == pytest.approx(800.25)
    assert red["Status"] == "Red"


def test_csv_neutralises_a_narrative_that_starts_a_formula(report_plan):
    update = report_plan.objectives["2.1"].updates.get(period=report_plan.q2)
    update.progress = '=HYPERLINK("http://evil","click")'
    update.save()
    lines = "".join(report_csv_lines(_board_job(report_plan))).lstrip("\ufeff")
    rows = [dict(zip(PLAN_COLUMNS, row, strict=True)) for row in list(csv.reader(io.StringIO(lines)))[1:]]
    row = next(r for r in rows if r["Ref"] == "2.1" and r["Period"] == "Q2 2014/15")
    assert row["Progress"] == '\'=HYPERLINK("http://evil","click")'


def test_area_export_has_the_summary_counts_per_partnership_and_priority(report_plan):
    partnership = report_plan.plan.partnership
    job = ReportJob.objects.create(kind="area", partnership=partnership, period=report_plan.q2)
    job.covered_partnerships.set([partnership])
    lines = "".join(report_csv_lines(job)).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(lines)))
    assert [(r["Priority"], r["Red"], r["Amber"], r["Green"], r["Total"]) for r in rows] == [
        ("1 Domestic abuse", "1", "0", "1", "2"),
        ("2 Anti-social behaviour", "0", "1", "0", "1"),
        ("All objectives (each counted once)", "1", "1", "1", "3"),
    ]
