"""Reading an import back: its tables and mapping as the importer's dataclasses, and the preview of the plan.

The preview parses the stored tables again (pure Python, no queries) and shows the counts and errors
of the last dry run, which `plans.services.plan_imports` stored when the mapping was saved; so the
page costs the same few queries whatever the size of the file.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from csp.selectors import User, coordinated_partnership_ids

from ..importing.drafts import LeadDraft, MilestoneDraft, ObjectiveDraft, PlanDraft, RawTable, TableMapping
from ..importing.parse import parse
from ..models import Plan, PlanImport
from ..rules import lead_words
from .access import plan_imports_visible_to, plans_visible_to

PREVIEW_ROWS = 3  # rows of each table shown on the mapping page
HEADING_ROW_CHOICES = 10  # the heading row is one of a table's first rows

_ROW_ERROR = re.compile(r"^Row (\d+): (.+)$", re.DOTALL)


def _from_json(cls, data: dict):
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{key: value for key, value in data.items() if key in names})


RECENT_IMPORTS = 10


def recent_imports(user: User) -> list[PlanImport]:
    """The latest imports of the partnerships the user coordinates, newest first, to go on with or look back at."""
    return list(
        plan_imports_visible_to(user)
        .filter(partnership__in=coordinated_partnership_ids(user))
        .select_related("partnership", "created_by", "plan")
        .defer("tables", "mappings", "check_result")
        .order_by("-created_at", "-pk")[:RECENT_IMPORTS]
    )


def raw_tables(plan_import: PlanImport) -> list[RawTable]:
    """The file's tables as they were read at upload."""
    return [_from_json(RawTable, table) for table in plan_import.tables]


def table_mappings(plan_import: PlanImport) -> list[TableMapping]:
    """The mapping saved last (recognised at upload, or as the user corrected it)."""
    return [_from_json(TableMapping, mapping) for mapping in plan_import.mappings]


def import_draft(plan_import: PlanImport) -> PlanDraft:
    """The plan the stored tables give with the stored mapping (nothing read from the database)."""
    return parse(raw_tables(plan_import), table_mappings(plan_import), title=plan_import.title)


def column_letter(index: int) -> str:
    """A spreadsheet's name of the column: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass
class MappingColumn:
    index: int
    letter: str
    heading: str
    examples: list[str]
    field: str | None


@dataclass
class MappingTable:
    """One table on the mapping page: what it is called, its first rows and what each column holds."""

    index: int
    source: str
    headings_before: list[str]
    header_row: int | None
    row_count: int
    shown_rows: list[list[str]]
    shown_row_numbers: list[int]
    columns: list[MappingColumn]
    heading_choices: list[tuple[str, str]]

    @property
    def shown(self) -> list[tuple[int, list[str]]]:
        """(the file's row number, cells) of the rows shown."""
        return list(zip(self.shown_row_numbers, self.shown_rows, strict=True))


def _row_number(table: RawTable, index: int) -> int:
    return table.row_numbers[index] if index < len(table.row_numbers) else index + 1


def mapping_tables(plan_import: PlanImport, mappings: list[TableMapping] | None = None) -> list[MappingTable]:
    """The tables of the mapping page, each with the heading row and column choices of `mappings` (else the stored)."""
    tables = raw_tables(plan_import)
    mappings = mappings if mappings is not None else table_mappings(plan_import)
    pages = []
    for index, (table, mapping) in enumerate(zip(tables, mappings, strict=False)):
        width = len(table.rows[0]) if table.rows else 0
        start = mapping.header_row if mapping.header_row is not None else 0
        shown = table.rows[start : start + PREVIEW_ROWS]
        heading = table.rows[mapping.header_row] if mapping.header_row is not None else [""] * width
        examples_from = start + 1 if mapping.header_row is not None else start
        examples = table.rows[examples_from : examples_from + PREVIEW_ROWS]
        columns = [
            MappingColumn(
                index=column,
                letter=column_letter(column),
                heading=heading[column],
                examples=[row[column] for row in examples if row[column].strip()],
                field=mapping.columns[column] if column < len(mapping.columns) else None,
            )
            for column in range(width)
        ]
        choices = [
            (str(row), f"Row {_row_number(table, row)}: " + " | ".join(c for c in table.rows[row] if c.strip())[:80])
            for row in range(min(HEADING_ROW_CHOICES, len(table.rows)))
        ]
        choices.append(("none", "None: this table has no heading row (it goes on from the table before)"))
        pages.append(
            MappingTable(
                index=index,
                source=table.source,
                headings_before=list(getattr(table, "headings_before", []) or []),
                header_row=mapping.header_row,
                row_count=len(table.rows),
                shown_rows=shown,
                shown_row_numbers=[_row_number(table, start + n) for n in range(len(shown))],
                columns=columns,
                heading_choices=choices,
            )
        )
    return pages


# The preview -----------------------------------------------------------------------------------------


def lead_text(lead: LeadDraft) -> str:
    """A lead not stored yet, worded as every page words a stored one (`rules.lead_label`)."""
    bodies = [body for body in (lead.organisation, lead.group) if body]
    return lead_words(person_name=lead.person_name, job_title=lead.job_title, bodies=bodies, kind=lead.kind)


def leads_text(leads: Iterable[LeadDraft], written: str = "") -> str:
    return "; ".join(lead_text(lead) for lead in leads) or written


@dataclass
class PreviewRow:
    objective: ObjectiveDraft
    anchor: str
    leads: str
    errors: list[str] = field(default_factory=list)
    where: str = ""  # "Row 12", or "Table 2, row 12" when the file has several tables

    @property
    def milestones(self) -> list[tuple[MilestoneDraft, str]]:
        """Each milestone with its leads worded as the pages word them (the cell as written if none were read)."""
        return [(m, leads_text(m.leads, m.lead_text)) for m in self.objective.milestones]


@dataclass
class PreviewGroup:
    priority: str
    section: str
    rows: list[PreviewRow] = field(default_factory=list)


@dataclass
class ImportPreview:
    draft: PlanDraft
    title: str  # the plan's title as the import will give it
    groups: list[PreviewGroup]
    counts: list[tuple[str, int]]
    cost_total: Decimal | None
    file_errors: list[str]
    row_errors: list[tuple[str, str]]  # (anchor, message) for the error summary
    duplicate_of: Plan | None
    checked: bool

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors or self.row_errors)

    @property
    def can_create(self) -> bool:
        return self.checked and not self.has_errors and self.duplicate_of is None and bool(self.draft.objectives)


COUNT_LABELS = [
    ("priorities", "Priorities"),
    ("new_priorities", "New priorities"),
    ("sections", "Sections"),
    ("objectives", "Objectives"),
    ("actions", "Actions"),
    ("outcomes", "Expected outcomes"),
    ("milestones", "Milestones"),
    ("leads", "Leads"),
    ("organisations", "New organisations"),
    ("groups", "New groups"),
    ("people", "New people"),
]
# Shown even when none; the other counts only when there are some.
ALWAYS_COUNTED = ("priorities", "sections", "objectives", "milestones", "leads")


def _draft_counts(draft: PlanDraft) -> dict[str, int]:
    return {
        "priorities": len(draft.priorities),
        "sections": len(draft.sections),
        "objectives": len(draft.objectives),
        "actions": sum(len(o.actions) for o in draft.objectives),
        "outcomes": sum(len(o.outcomes) for o in draft.objectives),
        "milestones": sum(len(o.milestones) for o in draft.objectives),
        "leads": sum(len(o.leads) + sum(len(m.leads) for m in o.milestones) for o in draft.objectives),
    }


def _without_row_number(message: str) -> str:
    """'Row 12: The objective is empty' -> 'The objective is empty': the page says the row once, beside it."""
    match = _ROW_ERROR.match(message)
    return match.group(2) if match else message


def _unique(messages: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(messages))


def import_preview(user: User, plan_import: PlanImport) -> ImportPreview:
    """What confirming would write: the draft grouped by priority and section, the dry run's counts and errors."""
    draft = import_draft(plan_import)
    check = plan_import.check_result or {}
    rows = [
        PreviewRow(
            objective=o,
            anchor=f"row-{n}",
            leads=leads_text(o.leads, o.lead_text),
            errors=_unique(_without_row_number(message) for message in o.errors),
        )
        for n, o in enumerate(draft.objectives)
    ]
    several_tables = len({row.objective.source for row in rows}) > 1
    for row in rows:
        row.where = f"{row.objective.source}, row {row.objective.row}" if several_tables else f"Row {row.objective.row}"
    by_row: dict[int, PreviewRow] = {}
    for row in rows:
        by_row.setdefault(row.objective.row, row)
    file_errors = list(draft.errors)
    for message in check.get("errors", []):
        match = _ROW_ERROR.match(message)
        row = by_row.get(int(match.group(1))) if match else None
        if row is not None:
            if match.group(2) not in row.errors:
                row.errors.append(match.group(2))
        elif message not in file_errors:
            file_errors.append(message)

    groups: list[PreviewGroup] = []
    for row in rows:
        if not groups or (groups[-1].priority, groups[-1].section) != (row.objective.priority, row.objective.section):
            groups.append(PreviewGroup(priority=row.objective.priority, section=row.objective.section))
        groups[-1].rows.append(row)

    counted = check.get("counts") or {}
    counts = counted if counted and not check.get("errors") else _draft_counts(draft)
    costs = [o.cost_amount for o in draft.objectives if o.cost_amount is not None]
    duplicate = None
    if check.get("duplicate_of"):
        duplicate = plans_visible_to(user, include_archived=True).filter(pk=check["duplicate_of"]).first()
    return ImportPreview(
        draft=draft,
        title=(plan_import.title or draft.title or PurePath(plan_import.filename).stem).strip(),
        groups=groups,
        counts=[
            (label, counts[key])
            for key, label in COUNT_LABELS
            if key in counts and (counts[key] or key in ALWAYS_COUNTED)
        ],
        cost_total=sum(costs, Decimal(0)) if costs else None,
        file_errors=[e for e in file_errors if duplicate is None or not e.startswith("This file was imported")],
        row_errors=[(row.anchor, f"{row.where}: {error}") for row in rows for error in row.errors],
        duplicate_of=duplicate,
        checked=bool(check),
    )
