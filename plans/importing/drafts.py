"""What the importer reads and builds before anything is written: plain dataclasses, no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


class ImportFileError(Exception):
    """A file we will not read, with the message shown to the user (e.g. 'The file is password-protected')."""


@dataclass
class RawTable:
    """One table of a Word document or one sheet of a workbook, as cell text (formulas kept as text)."""

    source: str  # "Sheet 'Plan'" or "Table 3" - named in messages
    rows: list[list[str]]  # every row padded to the same width; merged cells repeat the top-left text
    row_numbers: list[int] = field(default_factory=list)  # the file's own row number of each row (for messages)
    # Word only: the headings / bold paragraphs between the previous table and this one, in order
    # (e.g. "Priority 1: Domestic abuse"), at most the last five.
    headings_before: list[str] = field(default_factory=list)


# The fields a column can hold. `None` in a mapping means "ignore this column".
FIELDS: dict[str, str] = {
    "priority": "Priority",
    "section": "Section",
    "theme": "Theme",
    "ref": "Reference",
    "title": "Objective",
    "actions": "Actions",
    "lead": "Lead",
    "due": "By when",
    "resources": "Resources",
    "cost": "Cost",
    "outcomes": "Expected outcomes",
    "target": "Target / indicator",
    "milestones": "Milestones",
    "milestone_dates": "Milestone dates",
    "milestone_leads": "Milestone leads",
    "lead_group": "Lead group",
    "progress": "Progress",
    "rag_status": "Status (RAG)",
}


@dataclass
class TableMapping:
    source: str
    header_row: int | None  # index into RawTable.rows of the heading row; None when the table has none
    columns: list[str | None]  # a key of FIELDS (or None) for each column


@dataclass
class LeadDraft:
    person_name: str = ""
    job_title: str = ""
    organisation: str = ""
    group: str = ""
    kind: str = "lead"  # plans.models.LeadKind values: lead / in_conjunction / reporting


@dataclass
class MilestoneDraft:
    text: str
    due_date: dt.date | None = None
    due_text: str = ""
    leads: list[LeadDraft] = field(default_factory=list)
    lead_text: str = ""
    cost_amount: Decimal | None = None
    cost_text: str = ""


@dataclass
class OutcomeDraft:
    number: int
    text: str
    target_value: Decimal | None = None
    target_unit: str = ""
    budget: Decimal | None = None


@dataclass
class ObjectiveDraft:
    row: int  # the file's row number, for messages
    source: str
    ref: str = ""
    title: str = ""
    theme: str = ""
    priority: str = ""  # the title of the priority it sits under ("" if none)
    section: str = ""  # the title of the section it sits under
    actions: list[str] = field(default_factory=list)
    outcomes: list[OutcomeDraft] = field(default_factory=list)
    milestones: list[MilestoneDraft] = field(default_factory=list)
    leads: list[LeadDraft] = field(default_factory=list)
    lead_text: str = ""  # the lead cell word for word
    lead_groups: list[str] = field(default_factory=list)
    due_date: dt.date | None = None
    due_text: str = ""
    resources: str = ""
    cost_amount: Decimal | None = None
    cost_text: str = ""
    target_and_indicator: str = ""
    progress: str = ""  # read for the preview; not imported as an update
    rag_status: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class SectionDraft:
    title: str
    number: str = ""
    priority: str = ""


@dataclass
class PlanDraft:
    title: str = ""
    period_label: str = ""  # "2014/15", "2011 - 2014" where the file says
    priorities: list[str] = field(default_factory=list)
    sections: list[SectionDraft] = field(default_factory=list)
    objectives: list[ObjectiveDraft] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # file-level problems

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(o.errors for o in self.objectives)
