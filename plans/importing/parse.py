"""The rows of recognised tables as a plan draft: objectives with their lists, leads, dates; errors per row.

`parse(tables, mappings, title=...)` reads each table from the row after its heading row (a table
without one, a continuation, from its first row):

- A row whose only text names a priority, section or theme sets it for the rows below: a cell spanning
  the row (merged cells repeat their text across it), or one cell left of the columns that follow the
  title saying "1. Domestic abuse", "Priority 2: ...", "Section 3: ...", "Theme: ...". A Word table's
  `headings_before` ("1. Domestic abuse", "Priority 1: Reduce domestic abuse") and the spanning rows
  above its heading row do the same. A numbered or "Priority" heading is a priority and a section of
  that title (as the published plans are laid out); "Section" only a section; "Theme" only a theme.
- A row without ref and title but with other cells continues the objective above (a cell running on
  to the next row or page); so does a row repeating the ref above without a title. Its cells are
  joined to the objective's with a line break before anything is read from them.
- A second heading row ("Quarter 1 | Quarter 2"), a heading row repeated on a new page: skipped.
- Cells: actions one per line ("• ", "-", "*", "1." markers taken off; where lines carry markers a
  line without one continues the item above); outcomes "1. text" numbered as written, unnumbered
  lines numbered in order; milestones one per line, matched line by line with the milestone dates
  (an empty line: no date) and milestone leads (several on one line separated by " | "); leads by
  `leads.parse_lead_cell` (and the cell word for word in lead_text); lead groups one per line (and
  ", " in plans other than our export; "N/A" is none); by when with `dates.parse_due`, cost with
  `dates.parse_money`; resources and target as written; progress and RAG status kept for the preview.
- Without an actions column, an objective cell of several paragraphs is a title (its first paragraph)
  and actions (the rest), as Stevenage writes its aims.
- Errors beside the row (a missing title, more dates than milestones, a ref used twice); in the plan
  when no column holds the objective. A date that is only words is not an error: it is kept as written.

Our own export (`layout`) is read strictly: the sheet "About" gives title and period, and its cells
are read as written so export -> import -> export is identical.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dates import parse_due, parse_money
from .drafts import (
    LeadDraft,
    MilestoneDraft,
    ObjectiveDraft,
    OutcomeDraft,
    PlanDraft,
    RawTable,
    SectionDraft,
    TableMapping,
)
from .layout import ABOUT_SHEET, ACTION_MARKER, EXPORT_COLUMNS, MILESTONE_LEADS_SEPARATOR
from .leads import parse_lead_cell
from .recognise import REF_PATTERN, is_heading_row, normalise

NO_TITLE_COLUMN = "No column holds the objective: choose which column has the objectives' titles."
NO_OBJECTIVES = "No objectives were found in the file."
_EXPORT_HEADINGS = [normalise(heading) for _, heading in EXPORT_COLUMNS]
_NONE_WORDS = {"n a", "none", "na", "nil"}

# Headings that set where the rows below sit.
_PRIORITY = re.compile(
    r"^(?:strategic\s+|local\s+)?priority(?:\s+(?P<number>[A-Z]{0,3}\d{1,2}))?\s*[:.\-–]\s*(?P<title>\S.*)$", re.I
)
_SECTION = re.compile(r"^section(?:\s+(?P<number>\d{1,2}(?:\.\d{1,2})?))?\s*[:.\-–]\s*(?P<title>\S.*)$", re.I)
_THEME = re.compile(r"^(?:cross[\s-]cutting\s+)?theme\s*[:.\-–]\s*(?P<title>\S.*)$", re.I)
_NUMBERED = re.compile(r"^(?P<number>\d{1,2})[.)]?\s+(?P<title>[A-Za-z].*)$")
_LABELLED = re.compile(r"^[^:]{1,40}:\s")  # "Lead Agency: Police", "Indicators / measure: ..." say no place

_PERIOD = re.compile(r"\b((?:19|20)\d{2})\s*(?:/|-|–|to)\s*((?:19|20)?\d{2})\b")

_MARKER = re.compile(r"^(?:[•●○▪◦‣∙·*\-–o]|\d{1,2}[.)]|\(\d{1,2}\)|[a-z][.)])\s+")
_NUMBER = re.compile(r"^(?P<number>\d{1,3})[.)](?:\s+|$)(?P<text>.*)$")


def _period(text: str) -> str:
    match = _PERIOD.search(text)
    return match.group(0) if match else ""


def financial_year(period_label: str) -> int | None:
    """The April a one-year period starts ("2014/15" -> 2014); None for longer periods ("2011 - 2014")."""
    match = _PERIOD.search(period_label)
    if not match:
        return None
    first, second = int(match.group(1)), match.group(2)
    last = int(second) if len(second) == 4 else first // 100 * 100 + int(second)
    if last < first:
        last += 100  # "1999/00"
    return first if last - first == 1 else None


@dataclass
class _Place:
    priority: str = ""
    section: str = ""
    theme: str = ""


@dataclass
class _RowCells:
    row: int
    source: str
    place: _Place
    cells: dict[str, str] = field(default_factory=dict)
    exported: bool = False
    has_actions_column: bool = False
    last: dict[str, str] = field(default_factory=dict)  # the cells of the last row read into this objective


def _is_export(table: RawTable, mapping: TableMapping) -> bool:
    if mapping.header_row is None:
        return False
    return [normalise(cell) for cell in table.rows[mapping.header_row]] == _EXPORT_HEADINGS


def _is_about(table: RawTable) -> bool:
    return table.source == f"Sheet '{ABOUT_SHEET}'"


def _row_number(table: RawTable, index: int) -> int:
    return table.row_numbers[index] if index < len(table.row_numbers) else index + 1


def _cells(row: list[str], columns: list[str | None]) -> dict[str, str]:
    """Each field's text; a field over several columns (a merged heading) joins their distinct texts."""
    values: dict[str, list[str]] = {}
    for key, cell in zip(columns, row, strict=False):
        if key is None or not cell.strip():
            continue
        texts = values.setdefault(key, [])
        if not texts or texts[-1] != cell:
            texts.append(cell)
    return {key: "\n".join(texts) for key, texts in values.items()}


_HEADINGS = ((_SECTION, "section"), (_THEME, "theme"), (_PRIORITY, "priority"), (_NUMBERED, "priority"))


def _named_heading(text: str) -> tuple[str, str, str] | None:
    """(kind, number, title) of a heading that says what it is ("1. Domestic abuse", "Theme: ..."), else None."""
    for pattern, kind in _HEADINGS:
        match = pattern.match(text)
        if match:
            return kind, match.groupdict().get("number") or "", match["title"].strip()
    return None


def _heading(text: str, place: _Place, sections: list[SectionDraft], *, free_text: bool) -> bool:
    """Set the place from a heading; False when the text is not one. `free_text`: any unlabelled text is one."""
    text = " ".join(text.split())
    named = _named_heading(text)
    if named is None:
        if not free_text or _LABELLED.match(text):
            return False
        named = ("priority", "", text)
    kind, number, title = named
    if kind == "theme":
        place.theme = title
        return True
    if kind == "priority":
        place.priority = title
    section = SectionDraft(title=title, number=number, priority=place.priority)
    place.section = title
    if all((known.title, known.priority) != (section.title, section.priority) for known in sections):
        sections.append(section)
    return True


def _spanning_text(row: list[str], columns: list[str | None]) -> tuple[str, bool] | None:
    """A row that is only a heading: (its text, True) when one text spans the row (merged cells), (text, False)
    when it is the only text and sits left of the columns after the title; None for any other row."""
    filled = [(index, cell.strip()) for index, cell in enumerate(row) if cell.strip()]
    if not filled:
        return None
    if len({text for _, text in filled}) == 1 and len(filled) >= max(2, len(row) // 2):
        return filled[0][1], True
    if len(filled) == 1:
        index, text = filled[0]
        title_at = columns.index("title") if "title" in columns else len(columns)
        if index <= title_at and "\n" not in text and not REF_PATTERN.match(text):
            return text, False
    return None


# Cell readers --------------------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _items(text: str) -> list[str]:
    """List items, one per line; where lines carry markers a line without one continues the item above, and a
    lead-in ending with ":" keeps its marked items ("Referrals to:" "• DIP" "• Sova": one item)."""
    lines = _lines(text)
    marked = any(_MARKER.match(line) for line in lines)
    items: list[str] = []
    lead_in = False
    for line in lines:
        marker = _MARKER.match(line)
        bare = line[marker.end() :].strip() if marker else line
        if items and ((marked and not marker) or (marker and lead_in)):
            items[-1] = f"{items[-1]}\n{bare}"
            continue
        items.append(bare)
        lead_in = not marker and line.endswith(":")
    return [item for item in items if item]


def _exported_items(text: str, marker: str) -> list[str]:
    """Our export's list: each item starts with `marker`; a line without it continues the item above."""
    items: list[str] = []
    for line in text.splitlines():
        if line.startswith(marker) or not items:
            items.append(line.removeprefix(marker))
        else:
            items[-1] = f"{items[-1]}\n{line}"
    return items


def _outcomes(text: str, *, exported: bool) -> list[OutcomeDraft]:
    """Outcomes "1. text" with their numbers; bulleted or plain lines numbered in order. Where lines carry
    numbers or bullets, a line without one continues the outcome above (a cell running on to the next page)."""
    lines = text.splitlines() if exported else _lines(text)
    marked = any(_NUMBER.match(line) or (not exported and _MARKER.match(line)) for line in lines)
    outcomes: list[OutcomeDraft] = []
    for line in lines:
        number = _NUMBER.match(line)
        marker = None if exported else _MARKER.match(line)
        if number:
            outcomes.append(OutcomeDraft(number=int(number["number"]), text=number["text"].strip()))
        elif marked and outcomes and not marker:
            outcomes[-1].text = f"{outcomes[-1].text}\n{line}"
        else:
            outcomes.append(OutcomeDraft(number=len(outcomes) + 1, text=line[marker.end() :] if marker else line))
    return [outcome for outcome in outcomes if outcome.text or exported]


def _lead_groups(text: str, *, exported: bool) -> list[str]:
    if exported:
        return _lines(text)
    names = [name.strip() for line in _lines(text) for name in line.split(",")]
    return [name for name in names if name and normalise(name) not in _NONE_WORDS]


def _milestone_leads(line: str) -> list[LeadDraft]:
    return [lead for part in line.split(MILESTONE_LEADS_SEPARATOR) for lead in parse_lead_cell(part)]


def _milestones(cells: dict[str, str], *, exported: bool, year: int | None) -> tuple[list[MilestoneDraft], str]:
    """The milestones matched line by line with their dates and leads, and an error ("" when none)."""
    texts = _lines(cells.get("milestones", "")) if not exported else cells.get("milestones", "").splitlines()
    if not exported:
        texts = [text[marker.end() :] if (marker := _MARKER.match(text)) else text for text in texts]
    dates = cells.get("milestone_dates", "").splitlines()
    leads = cells.get("milestone_leads", "").splitlines()
    while dates and not dates[-1].strip():
        dates.pop()
    while leads and not leads[-1].strip():
        leads.pop()
    error = ""
    if len(dates) > len(texts):
        error = (
            f"there are more milestone dates ({len(dates)}) than milestones ({len(texts)}): "
            "put each date on the line of its milestone"
        )
    elif len(leads) > len(texts):
        error = (
            f"there are more milestone leads ({len(leads)}) than milestones ({len(texts)}): "
            "put each milestone's leads on the line of its milestone"
        )
    milestones = []
    for index, text in enumerate(texts):
        due_date, due_text = parse_due(dates[index] if index < len(dates) else "", financial_year=year)
        lead_line = leads[index].strip() if index < len(leads) else ""
        milestones.append(
            MilestoneDraft(
                text=text,
                due_date=due_date,
                due_text=due_text,
                leads=_milestone_leads(lead_line),
                lead_text=lead_line,
            )
        )
    return milestones, error


def _title_and_actions(cells: dict[str, str], *, exported: bool, has_actions_column: bool) -> tuple[str, list[str]]:
    title = cells.get("title", "")
    if exported:
        return title, _exported_items(cells["actions"], ACTION_MARKER) if cells.get("actions") else []
    if has_actions_column:
        return title.strip(), _items(cells.get("actions", ""))
    paragraphs = _lines(title)
    if len(paragraphs) > 1 and len(paragraphs[0].split()) <= 4 and not paragraphs[0].endswith((".", ":")):
        paragraphs[:2] = [f"{paragraphs[0]}\n{paragraphs[1]}"]  # "Project / campaign" over the aim it labels
    if not paragraphs:
        return "", []
    return paragraphs[0], [item for paragraph in paragraphs[1:] for item in _items(paragraph)]


def _objective(raw: _RowCells, *, year: int | None, name_source: bool) -> ObjectiveDraft:
    cells, exported = raw.cells, raw.exported
    title, actions = _title_and_actions(cells, exported=exported, has_actions_column=raw.has_actions_column)
    due_date, due_text = parse_due(cells.get("due", ""), financial_year=year)
    cost_amount, cost_text = parse_money(cells.get("cost", ""))
    milestones, milestone_error = _milestones(cells, exported=exported, year=year)
    lead_text = cells.get("lead", "")
    objective = ObjectiveDraft(
        row=raw.row,
        source=raw.source,
        ref=cells.get("ref", "").strip(),
        title=title,
        theme=cells.get("theme", raw.place.theme).strip(),
        priority=cells.get("priority", raw.place.priority).strip(),
        section=cells.get("section", raw.place.section).strip(),
        actions=actions,
        outcomes=_outcomes(cells.get("outcomes", ""), exported=exported),
        milestones=milestones,
        leads=parse_lead_cell(lead_text),
        lead_text=lead_text,
        lead_groups=_lead_groups(cells.get("lead_group", ""), exported=exported),
        due_date=due_date,
        due_text=due_text,
        resources=cells.get("resources", "") if exported else cells.get("resources", "").strip(),
        cost_amount=cost_amount,
        cost_text=cost_text,
        target_and_indicator=cells.get("target", "") if exported else cells.get("target", "").strip(),
        progress=cells.get("progress", "").strip(),
        rag_status=cells.get("rag_status", "").strip(),
    )
    where = f"Row {raw.row} of {raw.source}" if name_source else f"Row {raw.row}"
    if not objective.title.strip():
        objective.errors.append(f"{where}: the objective has no title")
    if milestone_error:
        objective.errors.append(f"{where}: {milestone_error}")
    return objective


# The plan ------------------------------------------------------------------------------------------------


def _about(table: RawTable) -> dict[str, str]:
    return {row[0].strip(): row[1].strip() for row in table.rows if len(row) >= 2 and row[0].strip()}


def _continues(cells: dict[str, str], previous: _RowCells | None) -> bool:
    """No ref and no title, or the ref and title of the row above repeated by merged cells (or left empty)."""
    if previous is None:
        return False
    ref, title = cells.get("ref", "").strip(), cells.get("title", "").strip()
    same_ref = not ref or ref == previous.last.get("ref", "").strip()
    same_title = not title or title == previous.last.get("title", "").strip()
    return same_ref and same_title


def _join(previous: _RowCells, cells: dict[str, str]) -> None:
    """Add a continuing row's cells; a cell repeating the row above's (a merged cell) adds nothing."""
    for key, text in cells.items():
        if text == previous.last.get(key):
            continue
        before = previous.cells.get(key, "")
        previous.cells[key] = f"{before}\n{text}" if before else text
    previous.last = cells


def parse(tables: list[RawTable], mappings: list[TableMapping], *, title: str = "") -> PlanDraft:
    """The plan the tables describe, as drafts, with an error beside each faulty row."""
    draft = PlanDraft()
    about = next((_about(table) for table in tables if _is_about(table)), {})
    headings = [
        heading for table, mapping in zip(tables, mappings, strict=True) for heading in _headings_of(table, mapping)
    ]
    draft.title = about.get("Title") or title or next((h for h in headings if _is_document_title(h)), "")
    draft.period_label = about.get("Period") or _period(draft.title) or next(filter(None, map(_period, headings)), "")
    if not any("title" in mapping.columns for mapping in mappings):
        draft.errors.append(NO_TITLE_COLUMN)
        return draft

    place = _Place()
    rows: list[_RowCells] = []
    for table, mapping in zip(tables, mappings, strict=True):
        if not _is_about(table) and "title" in mapping.columns:
            _read_table(table, mapping, place=place, rows=rows, sections=draft.sections)

    year = financial_year(draft.period_label)
    name_source = len({raw.source for raw in rows}) > 1
    draft.objectives = [_objective(raw, year=year, name_source=name_source) for raw in rows]
    _check_refs(draft.objectives, name_source=name_source)
    listed = _listed_priorities(tables, mappings)
    if listed:
        draft.priorities = list(listed.values())
        _tagged_priorities(draft.objectives, listed)
    _collect_places(draft)
    if not draft.objectives:
        draft.errors.append(NO_OBJECTIVES)
    return draft


def _read_table(
    table: RawTable, mapping: TableMapping, *, place: _Place, rows: list[_RowCells], sections: list[SectionDraft]
) -> None:
    """One table's rows into `rows` (a continuation table's first rows may continue the last objective)."""
    exported = _is_export(table, mapping)
    for heading in table.headings_before:
        _heading(heading, place, sections, free_text=False)
    for index in range(mapping.header_row or 0):
        spanning = _spanning_text(table.rows[index], mapping.columns)
        if spanning:
            _heading(spanning[0], place, sections, free_text=spanning[1])
    previous = rows[-1] if rows and mapping.header_row is None else None
    start = 0 if mapping.header_row is None else mapping.header_row + 1
    header = None if mapping.header_row is None else table.rows[mapping.header_row]
    for index in range(start, len(table.rows)):
        row = table.rows[index]
        if not any(cell.strip() for cell in row) or is_heading_row(row, header):
            continue
        spanning = None if exported else _spanning_text(row, mapping.columns)
        if spanning and (_heading(spanning[0], place, sections, free_text=spanning[1]) or spanning[1]):
            previous = None  # a heading, or a note across the table ("Lead Agency: Police"): not an objective
            continue
        cells = _cells(row, mapping.columns)
        if not exported and _continues(cells, previous):
            _join(previous, cells)
            continue
        previous = _RowCells(
            row=_row_number(table, index),
            source=table.source,
            place=_Place(place.priority, place.section, place.theme),
            cells=dict(cells),
            last=cells,
            exported=exported,
            has_actions_column="actions" in mapping.columns,
        )
        rows.append(previous)


# A summary table listing the plan's priorities, and objectives tagged with their codes (Hastings):
# "Local Priorities (LP) identified through ...:" | "1. Domestic Violence" ...; "Licensing (LP2&3)".
_PRIORITY_LIST_LABEL = re.compile(r"\bpriorit(?:y|ies)\b(?:\s*\((?P<code>[A-Z]{1,4})\))?", re.I)
_LISTED = re.compile(r"^(?P<number>\d{1,2})[.)]\s+(?P<title>.+?)(?::\s*(?:to include|including)\b.*)?$", re.I)


def _listed_priorities(tables: list[RawTable], mappings: list[TableMapping]) -> dict[str, str]:
    """{"LP1": "Domestic Violence", ...} from a label / value table outside the plan's tables ({} if none)."""
    listed: dict[str, str] = {}
    for table, mapping in zip(tables, mappings, strict=True):
        if "title" in mapping.columns or _is_about(table):
            continue
        for row in table.rows:
            label = _PRIORITY_LIST_LABEL.search(row[0]) if len(row) >= 2 else None
            if label is None or not label["code"]:
                continue
            for line in _lines("\n".join(dict.fromkeys(row[1:]))):
                match = _LISTED.match(line)
                if match:
                    listed.setdefault(f"{label['code'].upper()}{match['number']}", match["title"].strip())
    return listed


def _tagged_priorities(objectives: list[ObjectiveDraft], listed: dict[str, str]) -> None:
    """An objective whose title ends in "(LP4)" or "(LP2&3)" addresses those priorities (one a line)."""
    codes = sorted({re.sub(r"\d+$", "", code) for code in listed})
    code = f"(?:{'|'.join(codes)})"
    tag = re.compile(rf"\((?P<tags>{code}\s*\d+(?:\s*(?:,|&|/|\+|and)\s*(?:{code})?\s*\d+)*)\)\s*$")
    for objective in objectives:
        match = tag.search(objective.title)
        if not match:
            continue
        prefix = re.match(r"[A-Z]+", match["tags"]).group(0)
        titles = [
            listed[f"{prefix}{number}"] for number in re.findall(r"\d+", match["tags"]) if f"{prefix}{number}" in listed
        ]
        lines = [*_lines(objective.priority), *titles]
        objective.priority = "\n".join(dict.fromkeys(lines))


def _headings_of(table: RawTable, mapping: TableMapping) -> list[str]:
    """The headings before a table and the lone texts in the rows above its heading row (a sheet's title).

    A sheet without a heading row (a label/value table such as a plan's front sheet) gives the lone
    texts of its first rows, up to the first row with more than one text.
    """
    texts = list(table.headings_before)
    above = table.rows[: mapping.header_row] if mapping.header_row is not None else table.rows
    for row in above:
        filled = list(dict.fromkeys(cell.strip() for cell in row if cell.strip()))
        if len(filled) == 1:
            texts.append(filled[0])
        elif mapping.header_row is None:
            break
    return texts


def _is_document_title(heading: str) -> bool:
    text = " ".join(heading.split())
    return bool(text) and _named_heading(text) is None and not _LABELLED.match(text)


def _check_refs(objectives: list[ObjectiveDraft], *, name_source: bool) -> None:
    def where(objective: ObjectiveDraft, word: str = "row") -> str:
        return f"{word} {objective.row} of {objective.source}" if name_source else f"{word} {objective.row}"

    first: dict[str, ObjectiveDraft] = {}
    for objective in objectives:
        if not objective.ref:
            continue
        if objective.ref in first:
            also = where(first[objective.ref])
            objective.errors.append(f"{where(objective, 'Row')}: the ref {objective.ref} is used twice (also {also})")
        else:
            first[objective.ref] = objective


def _collect_places(draft: PlanDraft) -> None:
    priorities = [section.priority for section in draft.sections if section.priority]
    for objective in draft.objectives:
        priorities += _lines(objective.priority)
        if objective.section and all(
            (known.title, known.priority) != (objective.section, _first_line(objective.priority))
            for known in draft.sections
        ):
            draft.sections.append(SectionDraft(title=objective.section, priority=_first_line(objective.priority)))
    draft.priorities = list(dict.fromkeys([*draft.priorities, *priorities]))


def _first_line(text: str) -> str:
    lines = _lines(text)
    return lines[0] if lines else ""
