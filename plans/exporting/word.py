"""A plan as a Word document for publishing: landscape A4, the title, then per section a heading and a table."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from itertools import groupby

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell, _Row

from ..models import Milestone, Objective, Plan
from ..rules import lead_label
from .cells import xml_text
from .selectors import objectives_for_export

# Each column's heading and width; the widths fill landscape A4 inside 15 mm margins (267 mm).
COLUMNS = [
    ("Ref", 14),
    ("Objective and actions", 70),
    ("Lead", 38),
    ("By when", 24),
    ("Resources/cost", 34),
    ("Expected outcomes", 44),
    ("Milestones", 43),
]
MARGIN = Mm(15)
CELL_TEXT = Pt(9)
# The id of the default template's "List Bullet" style, set on paragraphs directly: python-docx's lookup by
# style name searches the styles part every time (over a third of the time of a 100-objective plan).
BULLET = "ListBullet"


def _day(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def _when(*, due_date: dt.date | None, due_text: str) -> str:
    """A date for readers: as the plan writes it, else "31 March 2015"."""
    return due_text or (_day(due_date) if due_date else "")


def _money(*, amount: Decimal | None, text: str) -> str:
    return text or (f"£{amount:,.2f}" if amount is not None else "")


def _write_lines(cell: _Cell, lines: list[str], *, style_id: str | None = None, bold_first: bool = False) -> None:
    """Lines as paragraphs of a cell (the cell's own empty first paragraph used for the first)."""
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 and not cell.paragraphs[0].text else cell.add_paragraph()
        if style_id:
            paragraph._p.style = style_id
        run = paragraph.add_run(xml_text(line))
        run.font.size = CELL_TEXT
        if bold_first and index == 0:
            run.bold = True


def _repeat_as_header(row: _Row) -> None:
    """Mark a row as the table's header row, which Word repeats at the top of each page (w:tblHeader)."""
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def objective_lead_labels(objective: Objective) -> list[str]:
    """Who leads, as every page says it: the leads, the lead agencies and groups no lead names, else the lead text."""
    leads = list(objective.leads.all())
    named_agencies = {lead.agency_id for lead in leads}
    named_groups = {lead.group_id for lead in leads}
    labels = [lead_label(lead) for lead in leads]
    labels += [str(agency) for agency in objective.lead_agencies.all() if agency.pk not in named_agencies]
    labels += [str(group) for group in objective.lead_groups.all() if group.pk not in named_groups]
    if not labels and objective.lead_text:
        labels = [objective.lead_text]
    if objective.lead_role_text:
        labels.append(objective.lead_role_text)
    return labels


def milestone_line(milestone: Milestone) -> str:
    """A milestone as a bullet line: "Text (by 30 September 2014; lead: ...)"."""
    details = []
    when = _when(due_date=milestone.due_date, due_text=milestone.due_text)
    if when:
        details.append(f"by {when}")
    leads = "; ".join(lead_label(lead) for lead in milestone.leads.all()) or milestone.lead_text
    if leads:
        details.append(f"lead: {leads}")
    return f"{milestone.text} ({'; '.join(details)})" if details else milestone.text


def _objective_row(row: _Row, objective: Objective) -> None:
    ref, aim, lead, when, resources, outcomes, milestones = row.cells
    _write_lines(ref, [objective.ref])
    aim_lines = [objective.title]
    if objective.is_struck:
        struck_on = f" on {_day(objective.struck_on)}" if objective.struck_on else ""
        aim_lines.append(f"Struck from the plan{struck_on}: {objective.struck_reason}")
    _write_lines(aim, aim_lines, bold_first=True)
    _write_lines(aim, [action.text for action in objective.actions.all()], style_id=BULLET)
    _write_lines(lead, objective_lead_labels(objective))
    _write_lines(when, [_when(due_date=objective.due_date, due_text=objective.due_text)])
    cost = _money(amount=objective.cost_amount, text=objective.cost_text)
    _write_lines(resources, objective.resource_list + ([f"Cost: {cost}"] if cost else []))
    _write_lines(outcomes, [f"{outcome.number}. {outcome.text}" for outcome in objective.outcomes.all()])
    _write_lines(milestones, [milestone_line(milestone) for milestone in objective.milestones.all()], style_id=BULLET)


def _section_table(document, objectives: list[Objective]) -> None:
    table = document.add_table(rows=1 + len(objectives), cols=len(COLUMNS))
    table.style = "Table Grid"
    table.autofit = False
    header = table.rows[0]
    _repeat_as_header(header)
    for cell, (heading, _width) in zip(header.cells, COLUMNS, strict=True):
        _write_lines(cell, [heading], bold_first=True)
    for row, objective in zip(table.rows[1:], objectives, strict=True):
        _objective_row(row, objective)
    # Word reads each cell's width, LibreOffice the table grid's: both are set.
    for column, (_heading, width) in zip(table.columns, COLUMNS, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, (_heading, width) in zip(row.cells, COLUMNS, strict=True):
            cell.width = Mm(width)


def _field(paragraph, instruction: str) -> None:
    """A field Word fills in when it lays the pages out (PAGE, NUMPAGES)."""
    run = paragraph.add_run()
    for kind in ("begin", None, "end"):
        if kind is None:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = f" {instruction} "
            run._r.append(code)
        else:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)


def _page_setup(document) -> None:
    page = document.sections[0]
    page.orientation = WD_ORIENT.LANDSCAPE
    page.page_width, page.page_height = Mm(297), Mm(210)
    page.left_margin = page.right_margin = page.top_margin = page.bottom_margin = MARGIN
    footer = page.footer.paragraphs[0]
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(10)


def export_plan_docx(plan: Plan) -> bytes:
    """The plan's live objectives (struck ones marked) as a Word document: a heading and a table per section."""
    document = Document()
    _page_setup(document)
    document.core_properties.title = xml_text(plan.title)
    document.add_heading(xml_text(plan.title), level=0)
    period = f"{_day(plan.period_start)} to {_day(plan.period_end)}"
    document.add_paragraph(xml_text(f"{plan.partnership.name}. {plan.period_label or 'Period'}: {period}."))
    for paragraph in plan.introduction.split("\n\n"):
        if paragraph.strip():
            document.add_paragraph(xml_text(paragraph.strip()))
    objectives = list(objectives_for_export(plan))
    for section, items in groupby(objectives, key=lambda objective: objective.section):
        document.add_heading(xml_text(str(section)) if section else "Objectives", level=1)
        # The priority is named unless the heading already does ("1 Domestic abuse" for "Domestic abuse").
        if section is not None and section.priority is not None and section.priority.title != section.title:
            document.add_paragraph(xml_text(f"Priority: {section.priority}"))
        _section_table(document, list(items))
    if not objectives:
        document.add_paragraph("This plan has no objectives yet.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
