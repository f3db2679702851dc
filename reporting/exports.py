"""A report's data as rows, for XLSX (openpyxl) and CSV; cells that a spreadsheet would run are neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from plans.rules import PRIORITY_PREFETCH, leads_label, priorities_addressed, priorities_of_plan
from plans.selectors.status import (
    STATUS_ORDER,
    STATUSES_WITH_REASON,
    PeriodStatus,
    outcome_period_status,
    period_status,
    update_counts,
)

from .content import area_coverage, area_report_content, plan_objectives_for_report, quarters_through
from .models import ReportJob

# A cell starting with one of these is read as a formula (or DDE) by Excel and LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

PLAN_COLUMNS = [
    "Partnership",
    "Plan",
    "Section",
    "Priorities",
    "Ref",
    "Objective",
    "Label",
    "State",
    "Struck on",
    "Struck reason",
    "Lead (as written)",
    "Lead officers",
    "Lead agencies",
    "Lead groups",
    "Due (as written)",
    "Due date",
    "Target and indicator",
    "Resources",
    "Cost",
    "Cost (as written)",
    "Funding source",
    "How measured",
    "How evaluated",
    "Period",
    "Period start",
    "Period end",
    "Update state",
    "Status",
    "Status meaning",
    "Reason for red or amber",
    "Progress",
    "Spend to date",
    "Outcome statuses",
    "Author",
    "Submitted at",
]
# Status columns named from the one status rule, in its order; rows fill them by status name.
AREA_COLUMNS = [
    "Area",
    "Partnership",
    "Plan",
    "Period",
    "Priority",
    *[PeriodStatus.label(status) for status in STATUS_ORDER],
    "Total",
]
# Excel's largest cell; longer text is cut with this mark at its end, so nobody mistakes it for the whole.
EXCEL_CELL_LIMIT = 32_767
CUT_MARK = " … [cut at Excel's 32,767-character limit: the full text is in the CSV and the report]"
MONEY_COLUMNS = {"Cost", "Spend to date"}
MONEY_FORMAT = '"£"#,##0.00'
DATE_COLUMNS = {"Struck on", "Due date", "Period start", "Period end", "Submitted at"}
DATETIME_COLUMNS = {"Submitted at"}
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
WIDE_COLUMNS = {
    "Plan",
    "Objective",
    "Struck reason",
    "Target and indicator",
    "Resources",
    "How measured",
    "How evaluated",
    "Reason for red or amber",
    "Progress",
    "Outcome statuses",
    "Priority",
}
# The row of an area export that gives the plan's total, each objective counted once.
AREA_TOTAL_LABEL = "All objectives (each counted once)"


def neutralise(value: object) -> object:
    """A text cell that would start a formula gets a leading single quote; numbers and dates stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _plan_rows(job: ReportJob) -> Iterator[list[object]]:
    plan, partnership = job.plan, job.partnership
    quarters = quarters_through(job.period)
    objectives = plan_objectives_for_report(plan, quarters).prefetch_related(
        "lead_agencies", "lead_groups", *PRIORITY_PREFETCH
    )
    priority_names = {priority.pk: str(priority) for priority in priorities_of_plan(plan)}
    for objective in objectives:
        addressed = priorities_addressed(objective)
        by_period = {update.period_id: update for update in objective.report_updates}
        outcomes = {outcome.pk: outcome for outcome in objective.outcomes.all()}
        for quarter in quarters:
            update = by_period.get(quarter.pk)
            reported = update_counts(update)
            status = period_status(update)
            outcome_text = (
                "; ".join(
                    f"{outcomes[s.outcome_id].number}. {PeriodStatus.label(outcome_period_status(update, s))}"
                    + (f": {s.note}" if s.note else "")
                    for s in update.outcome_statuses.all()
                    if s.outcome_id in outcomes
                )
                if reported
                else ""
            )
            yield [
                partnership.name,
                plan.title,
                str(objective.section) if objective.section else "",
                ", ".join(name for pk, name in priority_names.items() if pk in addressed),
                objective.ref,
                objective.title,
                objective.label,
                objective.get_state_display(),
                objective.struck_on,
                objective.struck_reason,
                objective.lead_text,
                leads_label(objective.leads.all()),
                ", ".join(str(a) for a in objective.lead_agencies.all()),
                ", ".join(str(g) for g in objective.lead_groups.all()),
                objective.due_text,
                objective.due_date,
                objective.target_and_indicator,
                objective.resources,
                objective.cost_amount,
                objective.cost_text,
                objective.funding_source,
                objective.how_measured,
                objective.how_evaluated,
                quarter.label,
                quarter.start,
                quarter.end,
                update.get_state_display() if update else "No update",
                PeriodStatus.label(status),
                partnership.rag_meaning(status),
                update.rag_note if status in STATUSES_WITH_REASON else "",
                update.progress if reported else "",
                update.spend_to_date if reported else None,
                outcome_text,
                (update.author_name or (update.author.get_full_name() if update.author else "")) if reported else "",
                update.submitted_at.replace(tzinfo=None) if reported and update.submitted_at else None,
            ]


def _area_rows(job: ReportJob) -> Iterator[list[object]]:
    content = area_report_content(job)
    for entry in content["entries"]:
        for plan, summary, _chart, _exceptions in entry.plans:
            head = [content["area"], entry.partnership.name, plan.title, entry.period.label]
            for row in summary.rows:
                yield [*head, row.label, *[row.counts[status] for status in STATUS_ORDER], row.total]
            yield [*head, AREA_TOTAL_LABEL, *[summary.totals[status] for status in STATUS_ORDER], summary.total]


def report_rows(job: ReportJob) -> tuple[list[str], Iterable[list[object]]]:
    """The header and the rows of a job's data: one row per objective and quarter (per priority for an area)."""
    if job.kind == ReportJob.Kind.AREA:
        return AREA_COLUMNS, _area_rows(job)
    return PLAN_COLUMNS, _plan_rows(job)


def fit_excel_cell(value: object) -> object:
    """Text longer than an Excel cell holds is cut with a visible mark saying so; anything else is left alone."""
    if isinstance(value, str) and len(value) > EXCEL_CELL_LIMIT:
        return value[: EXCEL_CELL_LIMIT - len(CUT_MARK)] + CUT_MARK
    return value


def _column_width(name: str) -> float:
    if name in WIDE_COLUMNS:
        return 50
    if name in MONEY_COLUMNS or name in DATE_COLUMNS:
        return 14
    return min(max(len(name) + 2, 12), 30)


def _xlsx_cell(sheet, name: str, value: object) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=fit_excel_cell(neutralise(value)))
    if name in MONEY_COLUMNS:
        cell.number_format = MONEY_FORMAT
    elif name in DATE_COLUMNS:
        cell.number_format = DATETIME_FORMAT if name in DATETIME_COLUMNS else DATE_FORMAT
    elif isinstance(value, str) and name in WIDE_COLUMNS:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def report_xlsx(job: ReportJob) -> bytes:
    """The job's data as an Excel workbook: £ and date formats, column widths, a frozen header row with filters."""
    header, rows = report_rows(job)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=job.period.label.replace("/", "-")[:31])
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _column_width(name)
    sheet.freeze_panes = "A2"
    heading = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        heading.append(cell)
    sheet.append(heading)
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, name, value) for name, value in zip(header, row, strict=True)])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    if job.kind == ReportJob.Kind.AREA:
        coverage = workbook.create_sheet(title="Coverage")
        coverage.append([area_coverage(job)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _Echo:
    def write(self, value: str) -> str:
        return value


def report_csv_lines(job: ReportJob) -> Iterator[str]:
    """The job's data as CSV lines, for a streamed response."""
    header, rows = report_rows(job)
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a byte-order mark so Excel reads the file as UTF-8
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([neutralise("" if value is None else value) for value in row])
