"""The one layout of our XLSX export, which the importer reads back (export -> import -> export is identical).

Sheet "Plan": a heading row with `EXPORT_COLUMNS`' headings, then one row per objective in plan order.
Sheet "About": two columns (label, value) with the rows of `ABOUT_ROWS` (plan title, period...).

Cells holding lists put one item per line (`LINE`). Milestones, their dates and their leads are
matched line by line (the milestone cell's n-th line goes with the dates cell's n-th line; an empty
line where a milestone has no date). Outcomes are written "1. text"; actions "• text".

A lead is written on one line as labelled parts so it reads back exactly:
"Person: Jane Smith; Job title: Community Safety Manager; Organisation: Stevenage Borough Council; Group: ODG"
with "Kind: Reporting officer; " first unless the kind is lead, parts left out when empty
(see `format_lead`; `leads.parse_lead_cell` reads the labelled form first).
Real plans' free-form lead cells are read by the heuristics of `leads.parse_lead_cell`.

What the export writes in each cell (`plans.exporting`), so the importer reads back the same values:

- Priority: the title of the priority of the objective's section, then the titles of the objective's
  own other priorities in the partnership's priority order, one per line (usually one line; empty
  when it addresses "all priorities").
- Section: the section's title (its number is not written). Theme, Ref, Objective, Resources, Target
  and indicator: the field as stored.
- By when and Milestone dates (`format_due`): the date as written (`due_text`) when there is one, else
  the date as ISO "2015-03-31", else empty. Cost (`format_money`): the cost as written (`cost_text`)
  when there is one, else the amount as plain "1500.00", else empty.
- Actions "• text" and outcomes "1. text": one item per line; a line without the marker continues the
  item above it (an item whose text has a line break).
- Lead: the objective's leads in their order (`format_lead`, one per line), then each lead agency no
  lead names, as an organisation-only lead. Where the objective has no lead, no lead agency and no lead
  group but a lead written as text, that text is written as one lead with only a job title (the
  importer's own rule for text it cannot place), so it is kept and reads back the same.
- Lead group: the names of the objective's lead groups, one per line.
- Milestones: one per line (a line break inside a milestone's text or date is written as a space, so
  the lines stay matched). Milestone leads: a milestone's leads on its line, joined by
  `MILESTONE_LEADS_SEPARATOR` (" | "); the milestone's lead text as a job-title lead when it has no
  structured lead; an empty line when it has none. An empty first line matters, so the reader keeps
  a cell's leading line breaks (`files.cell_text`).
- Organisations, groups and people are written by their full names (`Agency.name`, not the short name).
- Every cell is text (a value starting with "=" stays text, never a formula); control characters XML
  cannot hold are written as spaces.

About: Title; Period (the period as written, "2014/15"); Period start and Period end (ISO dates);
Partnership (its name).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

LINE = "\n"
MILESTONE_LEADS_SEPARATOR = " | "
ACTION_MARKER = "• "

# (field key of drafts.FIELDS, heading written)
EXPORT_COLUMNS: list[tuple[str, str]] = [
    ("priority", "Priority"),
    ("section", "Section"),
    ("theme", "Theme"),
    ("ref", "Ref"),
    ("title", "Objective"),
    ("actions", "Actions"),
    ("lead", "Lead"),
    ("lead_group", "Lead group"),
    ("due", "By when"),
    ("resources", "Resources"),
    ("cost", "Cost"),
    ("outcomes", "Expected outcomes"),
    ("target", "Target and indicator"),
    ("milestones", "Milestones"),
    ("milestone_dates", "Milestone dates"),
    ("milestone_leads", "Milestone leads"),
]

ABOUT_SHEET = "About"
PLAN_SHEET = "Plan"
ABOUT_ROWS = ["Title", "Period", "Period start", "Period end", "Partnership"]

KIND_LABELS = {"lead": "Lead", "reporting": "Reporting officer", "in_conjunction": "In conjunction with"}
PART_LABELS = [
    ("person_name", "Person"),
    ("job_title", "Job title"),
    ("organisation", "Organisation"),
    ("group", "Group"),
]


def format_lead(
    *, kind: str, person_name: str = "", job_title: str = "", organisation: str = "", group: str = ""
) -> str:
    """One lead as the export writes it; `leads.parse_lead_cell` reads it back to the same parts."""
    values = {"person_name": person_name, "job_title": job_title, "organisation": organisation, "group": group}
    parts = [f"{label}: {values[key]}" for key, label in PART_LABELS if values[key]]
    if not parts:
        return ""
    if kind != "lead":
        parts.insert(0, f"Kind: {KIND_LABELS[kind]}")
    return "; ".join(parts)


def format_due(*, due_date: dt.date | None, due_text: str) -> str:
    """A date cell: the date as the plan writes it, else the date as ISO, else empty."""
    if due_text:
        return due_text
    return due_date.isoformat() if due_date else ""


def format_money(*, amount: Decimal | None, text: str) -> str:
    """A cost cell: the cost as the plan writes it, else the amount as plain digits ("1500.00"), else empty."""
    if text:
        return text
    return f"{amount:.2f}" if amount is not None else ""


def format_outcome(*, number: int, text: str) -> str:
    """An outcome as its line(s) of the outcomes cell: "1. text"."""
    return f"{number}. {text}"


def format_action(text: str) -> str:
    """An action as its line(s) of the actions cell: "• text"."""
    return f"{ACTION_MARKER}{text}"


def one_line(text: str) -> str:
    """Text for a line-matched cell (milestones, their dates and leads): line breaks become spaces."""
    return " ".join(text.splitlines())
