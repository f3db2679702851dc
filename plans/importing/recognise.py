"""Which column of a table holds what: the heading row found by the usual headings, continuations by width.

`recognise(tables)` gives one `TableMapping` per table, in order. The user may correct a mapping (the
form offers `FIELD_CHOICES`) before `parse.parse` reads the rows.

- The heading row is the row among the first `HEADING_SEARCH_ROWS` whose cells name the most fields
  (at least two). Headings are compared case- and punctuation-insensitively ("Lead Person/ Agency",
  "lead person agency" and "LEAD PERSON - AGENCY" are the same heading).
- Our own export's headings (`layout.EXPORT_COLUMNS`) are recognised exactly, so an exported plan maps
  100%.
- "Objective" and "Action(s)" both name the objective's title; when a table has both, "Actions" holds
  the actions. A "Completion date" (or any date heading) right beside a "Milestones" column holds the
  milestones' dates, not the objective's.
- A column without a heading left of the title whose cells look like refs ("1.1", "CH2") holds the ref.
- A table without a heading row as wide as the last recognised table continues it (a Word table split
  across pages, a sheet split in two): it gets a copy of that mapping, with `header_row` None.
"""

from __future__ import annotations

import re

from .drafts import FIELDS, RawTable, TableMapping
from .layout import ABOUT_SHEET, EXPORT_COLUMNS

HEADING_SEARCH_ROWS = 10
IGNORE = ""  # the mapping form's value for "ignore this column"
FIELD_CHOICES: list[tuple[str, str]] = [(IGNORE, "Ignore this column"), *FIELDS.items()]

# A heading that names the title when alone and the actions when an "Objective" heading is beside it.
_TITLE_OR_ACTIONS = "title_or_actions"


def normalise(text: str) -> str:
    """A heading compared without case, punctuation or "&" / "and" differences."""
    text = text.lower().replace("&", " and ").replace("£", " ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


_EXACT: dict[str, str] = {
    normalise(heading): _TITLE_OR_ACTIONS if key == "actions" else key for key, heading in EXPORT_COLUMNS
}

# (pattern over the normalised heading, field). First match wins; patterns are anchored at the start.
_PATTERNS: list[tuple[str, str]] = [
    (r"(jag |action |objective |item |line )?(ref|refs|reference|ref no|no|number|id)$", "ref"),
    (r"(strategic )?priority( area)?$|priorities$", "priority"),
    (r"section$", "section"),
    (r"(cross cutting )?themes?$", "theme"),
    (r"(key )?milestones?$", "milestones"),
    (r"milestone (dates?|due|deadlines?|by when)$", "milestone_dates"),
    (r"milestone leads?$", "milestone_leads"),
    (r"lead (action |delivery |partnership )?groups?( s)?$|(action |delivery )groups?( s)?$", "lead_group"),
    (
        r"(lead|leads|lead officers?|lead agency( role)?|lead agencies|lead partners?|lead persons?( agency)?"
        r"|lead organisations?|lead person agency|who|who leads|responsible( officer| agency| person)?|owner"
        r"|accountable officer|officer)$",
        "lead",
    ),
    (
        r"(by when|when by|when|timescales?|target dates?|deadline|due|due date|due by|completion date|date"
        r"|dates|to be completed by|completed by|by|end date)$",
        "due",
    ),
    (
        r"(resources?|resourcing|resources? (required|needed)|resource implications|resources? (and )?costs?)$",
        "resources",
    ),
    (r"(costs?|budget|funding|estimated cost|cost estimate)$", "cost"),
    (
        r"((expected |intended |key )?outcomes?( outputs)?|outputs?|success (measures?|criteria)"
        r"|how will (this|it) be evaluated|evaluation)$",
        "outcomes",
    ),
    (
        r"(targets?|target and (performance )?indicators?|targets? indicators?|performance indicators?|indicators?"
        r"|measures?|how will (this|it)( activity)? be measured|measure of success)$",
        "target",
    ),
    (r"(progress|updates?|comments?|action taken|q[1-4]|quarter [1-4]|quarter (one|two|three|four))\b", "progress"),
    (r"(rag|rag status|status|rating|red amber green)$", "rag_status"),
    (r"(objectives?|objectives? aims|aims?|plan details|key delivery mechanisms)\b", "title"),
    (r"(actions?|what we will do|activities|activity|tasks?|how)$", _TITLE_OR_ACTIONS),
]
_COMPILED = [(re.compile(pattern), key) for pattern, key in _PATTERNS]

# A ref as plans write them: "1.1", "2.3a", "CH1", "VC 2", "ASB 3", "(4)".
REF_PATTERN = re.compile(r"^\(?[A-Za-z]{0,5}\s?\d{1,3}(\.\d{1,3}){0,3}[a-z]?\)?\.?$")


def heading_field(text: str) -> str | None:
    """The field a heading names, or None (title-or-actions headings answer "title")."""
    key = _heading_key(text)
    return "title" if key == _TITLE_OR_ACTIONS else key


def _heading_key(text: str) -> str | None:
    heading = normalise(text)
    if not heading:
        return None
    if heading in _EXACT:
        return _EXACT[heading]
    for pattern, key in _COMPILED:
        if pattern.match(heading):
            return key
    return None


def is_heading_row(row: list[str], header: list[str] | None = None) -> bool:
    """A heading row again: the heading row repeated (on a new page), or a second heading row of short
    headings, repeating some of the first (merged down) or naming three or more ("Quarter 1 | ... | Quarter 4").
    A row of one or two cells continued from the row above ("Q3", "Update: meeting held") is not one."""
    header = header or []
    cells = [(index, cell.strip()) for index, cell in enumerate(row) if cell.strip()]
    repeated = [index < len(header) and text == header[index].strip() for index, text in cells]
    if not cells:
        return False
    if all(repeated):
        return True
    short_headings = all(
        same or (len(text.split()) <= 4 and _heading_key(text) is not None)
        for same, (_, text) in zip(repeated, cells, strict=True)
    )
    return short_headings and (any(repeated) or len(cells) >= 3)


def _score(row: list[str]) -> int:
    return len({key for key in map(_heading_key, row) if key is not None})


def _columns(table: RawTable, header_row: int) -> list[str | None]:
    row = table.rows[header_row]
    keys = [_heading_key(cell) for cell in row]
    has_title = "title" in keys
    columns: list[str | None] = []
    for key in keys:
        if key == _TITLE_OR_ACTIONS:
            key = "actions" if has_title else "title"
            has_title = True
        columns.append(key)
    _milestone_dates_beside_milestones(columns, row)
    _unlabelled_ref_column(table, header_row, columns)
    return columns


def _milestone_dates_beside_milestones(columns: list[str | None], row: list[str]) -> None:
    if "milestones" not in columns or "milestone_dates" in columns:
        return
    where = columns.index("milestones")
    for beside in (where + 1, where - 1):
        if 0 <= beside < len(columns) and columns[beside] == "due" and row[beside] != row[where]:
            columns[beside] = "milestone_dates"
            return


def _unlabelled_ref_column(table: RawTable, header_row: int, columns: list[str | None]) -> None:
    """A ref column left of the title without a heading of its own (empty, or the title's merged heading)."""
    if "ref" in columns or "title" not in columns:
        return
    header = table.rows[header_row]
    title_at = max(index for index, key in enumerate(columns) if key == "title")
    for index in range(title_at):
        unlabelled = columns[index] is None and not normalise(header[index])
        merged_title = columns[index] == "title" and header[index] == header[title_at]
        if not (unlabelled or merged_title):
            continue
        values = [row[index].strip() for row in table.rows[header_row + 1 :] if row[index].strip()]
        refs = [value for value in values if REF_PATTERN.match(value)]
        if values and len(refs) * 5 >= len(values) * 3:
            columns[index] = "ref"
            return


def _is_about(table: RawTable) -> bool:
    return table.source == f"Sheet '{ABOUT_SHEET}'"


def recognise(tables: list[RawTable]) -> list[TableMapping]:
    """One mapping per table: the heading row and each column's field (None: not read)."""
    mappings: list[TableMapping] = []
    previous: TableMapping | None = None
    for table in tables:
        width = len(table.rows[0]) if table.rows else 0
        if _is_about(table):
            mappings.append(TableMapping(source=table.source, header_row=None, columns=[None] * width))
            continue
        scores = [_score(row) for row in table.rows[:HEADING_SEARCH_ROWS]]
        best = max(scores, default=0)
        if best >= 2:
            header_row = scores.index(best)
            mapping = TableMapping(source=table.source, header_row=header_row, columns=_columns(table, header_row))
            previous = mapping
        elif previous is not None and len(previous.columns) == width:
            mapping = TableMapping(source=table.source, header_row=None, columns=list(previous.columns))
        else:
            mapping = TableMapping(source=table.source, header_row=None, columns=[None] * width)
        mappings.append(mapping)
    return mappings
