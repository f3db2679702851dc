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
"""

from __future__ import annotations

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
