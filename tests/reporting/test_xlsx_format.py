"""The XLSX export as a person opens it: £ formats, dates, column widths, a frozen header with filters,
and a visible mark where text was cut at Excel's cell limit."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from reporting.exports import CUT_MARK, EXCEL_CELL_LIMIT, MONEY_FORMAT, fit_excel_cell, report_xlsx
from reporting.models import ReportJob


def _sheet(report_plan, kind="board"):
    job = ReportJob.objects.create(
        kind=kind, partnership=report_plan.plan.partnership, plan=report_plan.plan, period=report_plan.q2
    )
    return load_workbook(io.BytesIO(report_xlsx(job))).active


def _column(sheet, name):
    header = [cell.value for cell in sheet[1]]
    return header.index(name) + 1


def test_money_columns_have_a_pound_format(report_plan):
    sheet = _sheet(report_plan)
    for name in ("Cost", "Spend to date"):
        cells = [
            row[0] for row in sheet.iter_rows(min_row=2, min_col=_column(sheet, name), max_col=_column(sheet, name))
        ]
        assert cells
        assert all(cell.number_format == MONEY_FORMAT for cell in cells)
    cost = next(
        row[_column(sheet, "Cost") - 1]
        for row in sheet.iter_rows(min_row=2)
        if row[_column(sheet, "Ref") - 1].value == "1.1"
    )
    assert cost.value == pytest.approx(2500)
    assert cost.data_type == "n"


def test_date_columns_have_a_date_format(report_plan):
    sheet = _sheet(report_plan)
    assert sheet.cell(row=2, column=_column(sheet, "Period start")).number_format == "dd/mm/yyyy"


def test_header_row_is_frozen_bold_and_filtered(report_plan):
    sheet = _sheet(report_plan)
    assert sheet.freeze_panes == "A2"
    assert sheet.cell(row=1, column=1).font.bold
    last = sheet.cell(row=1, column=sheet.max_column).column_letter
    assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"


def test_columns_have_widths_wide_for_narrative(report_plan):
    sheet = _sheet(report_plan)
    progress = sheet.cell(row=1, column=_column(sheet, "Progress")).column_letter
    ref = sheet.cell(row=1, column=_column(sheet, "Ref")).column_letter
    assert sheet.column_dimensions[progress].width == 50
    assert 10 <= sheet.column_dimensions[ref].width < 50


def test_text_over_excels_limit_is_cut_with_a_visible_mark(report_plan):
    objective = report_plan.objectives["1.2"]
    objective.target_and_indicator = "word " * 8_000  # 40,000 characters
    objective.save()
    sheet = _sheet(report_plan)
    column = _column(sheet, "Target and indicator")
    value = next(
        row[column - 1].value for row in sheet.iter_rows(min_row=2) if row[_column(sheet, "Ref") - 1].value == "1.2"
    )
    assert len(value) == EXCEL_CELL_LIMIT
    assert value.endswith(CUT_MARK)
    assert "cut at Excel's 32,767-character limit" in value


def test_text_within_the_limit_is_left_whole():
    text = "x" * EXCEL_CELL_LIMIT
    assert fit_excel_cell(text) == text
    assert fit_excel_cell(12.5) == 12.5


def test_area_export_keeps_its_counts_as_numbers(report_plan):
    job = ReportJob.objects.create(kind="area", partnership=report_plan.plan.partnership, period=report_plan.q2)
    job.covered_partnerships.set([report_plan.plan.partnership])
    sheet = load_workbook(io.BytesIO(report_xlsx(job))).active
    assert sheet.freeze_panes == "A2"
    assert sheet.cell(row=2, column=_column(sheet, "Total")).data_type == "n"
