"""Each exported cell's text, in the layout `plans.importing.layout` describes (the importer reads it back)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..importing.layout import (
    ABOUT_ROWS,
    EXPORT_COLUMNS,
    LINE,
    MILESTONE_LEADS_SEPARATOR,
    format_action,
    format_due,
    format_lead,
    format_money,
    format_outcome,
    one_line,
)
from ..models import LeadFields, Milestone, Objective, Plan

# Control characters XML 1.0 cannot hold (Word's vertical tab in pasted text, escape codes): neither
# workbook nor document could be written with them.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text a workbook or document can hold: each control character XML refuses becomes a space."""
    return NOT_XML.sub(" ", text)


def _lines(items: Iterable[str]) -> str:
    return LINE.join(items)


def lead_line(lead: LeadFields) -> str:
    """One lead of an objective or a milestone in the labelled form (full names, so an import finds the same rows)."""
    return one_line(
        format_lead(
            kind=lead.kind,
            person_name=lead.person.name if lead.person_id else "",
            job_title=lead.job_title,
            organisation=lead.agency.name if lead.agency_id else "",
            group=lead.group.name if lead.group_id else "",
        )
    )


def _text_lead(text: str) -> list[str]:
    """A lead known only as text, kept as a job-title lead (what the importer makes of text it cannot place)."""
    text = one_line(text).strip()
    return [format_lead(kind="lead", job_title=text)] if text else []


def objective_lead_lines(objective: Objective) -> list[str]:
    """The objective's leads, then the lead agencies no lead names; the lead text only when nothing else says who."""
    leads = list(objective.leads.all())
    lines = [lead_line(lead) for lead in leads]
    named = {lead.agency_id for lead in leads if lead.agency_id}
    lines += [
        format_lead(kind="lead", organisation=agency.name)
        for agency in objective.lead_agencies.all()
        if agency.pk not in named
    ]
    if not lines and not objective.lead_groups.all():
        lines = _text_lead(objective.lead_text)
    return lines


def milestone_lead_line(milestone: Milestone) -> str:
    """A milestone's leads on its one line."""
    leads = [lead_line(lead) for lead in milestone.leads.all()] or _text_lead(milestone.lead_text)
    return MILESTONE_LEADS_SEPARATOR.join(leads)


def priority_titles(objective: Objective) -> list[str]:
    """The priority of the objective's section first, then the objective's own other priorities in the
    partnership's order (an import numbers new priorities to keep that order: `plans.services.importing`)."""
    section_priority = objective.section.priority if objective.section else None
    titles = [section_priority.title] if section_priority is not None else []
    titles += [priority.title for priority in objective.priorities.all() if priority.title not in titles]
    return titles


def _matched(lines: list[str]) -> str:
    """Line-matched cell text; empty lines at the end say nothing, so they are left off."""
    return _lines(lines).rstrip(LINE)


def objective_cells(objective: Objective) -> dict[str, str]:
    """An objective's row of the "Plan" sheet, by field key of `EXPORT_COLUMNS` (prefetch `objectives_for_export`)."""
    milestones = list(objective.milestones.all())
    return {
        "priority": _lines(priority_titles(objective)),
        "section": objective.section.title if objective.section else "",
        "theme": objective.theme,
        "ref": objective.ref,
        "title": objective.title,
        "actions": _lines(format_action(action.text) for action in objective.actions.all()),
        "lead": _lines(objective_lead_lines(objective)),
        "lead_group": _lines(group.name for group in objective.lead_groups.all()),
        "due": format_due(due_date=objective.due_date, due_text=objective.due_text),
        "resources": objective.resources,
        "cost": format_money(amount=objective.cost_amount, text=objective.cost_text),
        "outcomes": _lines(
            format_outcome(number=outcome.number, text=outcome.text) for outcome in objective.outcomes.all()
        ),
        "target": objective.target_and_indicator,
        "milestones": _lines(one_line(milestone.text) for milestone in milestones),
        "milestone_dates": _matched(
            [one_line(format_due(due_date=m.due_date, due_text=m.due_text)) for m in milestones]
        ),
        "milestone_leads": _matched([milestone_lead_line(milestone) for milestone in milestones]),
    }


def plan_rows(objectives: Iterable[Objective]) -> list[list[str]]:
    """The "Plan" sheet: the heading row, then one row per objective."""
    rows = [[heading for _key, heading in EXPORT_COLUMNS]]
    for objective in objectives:
        cells = objective_cells(objective)
        rows.append([cells[key] for key, _heading in EXPORT_COLUMNS])
    return rows


def about_rows(plan: Plan) -> list[list[str]]:
    """The "About" sheet: label and value rows (`ABOUT_ROWS`)."""
    values = {
        "Title": plan.title,
        "Period": plan.period_label,
        "Period start": plan.period_start.isoformat(),
        "Period end": plan.period_end.isoformat(),
        "Partnership": plan.partnership.name,
    }
    return [[label, values[label]] for label in ABOUT_ROWS]
