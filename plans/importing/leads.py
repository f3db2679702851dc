"""A lead cell as leads: our export's labelled lines read back exactly, real plans' cells by their habits.

`parse_lead_cell(text)` returns `LeadDraft`s in the order written. The draft's `lead_text` keeps the
cell word for word; these leads are the structure read from it, and no word of the cell is lost: what
cannot be placed becomes a lead whose job title is that text.

1. A line written by `layout.format_lead` ("Kind: Reporting officer; Person: Jane Smith; Job title: ...;
   Organisation: ...; Group: ...") is read back to exactly those parts.
2. Otherwise the cell's habits:
   - leads are separated by line breaks, ";" and " / "; by "," " & " " and " only where every part is a
     whole lead ("EHC, Police"; "Police Insp Simon Tabert & Probation Jon Cowen"; not "Fire & Rescue");
   - a line naming only an organisation or group heads the person lines below it ("SBC" then
     "Evert Robotham", "Sarah Brewerton": both SBC), and a part without an organisation takes the one
     before it on the same line ("SBC Evert Robotham & Sarah Brewerton");
   - "in conjunction with X", "(in conjunction with X)", "supported by X", "with X" make X an
     in-conjunction lead; "Reporting officer: X" (or "Reporting officer X") a reporting-officer lead;
   - labelled parts "Organisation: X / Jobholder title: Y / Reporting officer: Z" are taken as labelled;
   - within one lead: an acronym ("SBC", "HFRS") or agency word (Police, Council, NHS, Trust, Service...)
     makes the organisation; group words (ODG, JAG, "... Group", "... Board", "... Partnership", "... Forum")
     the group; title words (Insp, Sgt, Manager, Officer, Head of, Coordinator, Director, Chief...) the job
     title; two or more capitalised words at the end the person; "Name (Organisation)", "Name - Title" and
     "Name, Title" as written.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .drafts import LeadDraft
from .layout import KIND_LABELS, PART_LABELS

# The labelled form of `layout.format_lead` ------------------------------------------------------------

_KIND_BY_LABEL = {label: kind for kind, label in KIND_LABELS.items()}
_FIELD_BY_LABEL = {label: key for key, label in PART_LABELS}
_LABELS = ["Kind", *_FIELD_BY_LABEL]
_LABELLED_PART = re.compile(rf"^({'|'.join(map(re.escape, _LABELS))}): ")
_SLASH_LABEL = re.compile(r"\s/\s*(jobholder|job title|reporting officer|organisation|person|group)[^:/]*:", re.I)
_LABELLED_SPLIT = re.compile(rf"; (?=(?:{'|'.join(map(re.escape, _LABELS))}): )")


def _labelled_line(line: str) -> LeadDraft | None:
    """A line written by `format_lead`, read back to the same parts; None when the line is not one."""
    if not _LABELLED_PART.match(line) or _SLASH_LABEL.search(line):
        return None
    lead = LeadDraft()
    seen: list[str] = []
    for part in _LABELLED_SPLIT.split(line):
        label, _, value = part.partition(": ")
        if label in seen or not value or (seen and _LABELS.index(label) < _LABELS.index(seen[-1])):
            return None  # each label once, in the order format_lead writes them
        seen.append(label)
        if label == "Kind":
            if value not in _KIND_BY_LABEL:
                return None
            lead.kind = _KIND_BY_LABEL[value]
        else:
            setattr(lead, _FIELD_BY_LABEL[label], value)
    if seen == ["Kind"]:
        return None
    return lead


# Words ---------------------------------------------------------------------------------------------------

AGENCY_WORDS = {
    "police", "constabulary", "council", "fire", "rescue", "nhs", "probation", "trust", "ccg", "pct", "icb",
    "housing", "service", "services", "team", "teams", "authority", "authorities", "hospital", "ambulance",
    "agency", "agencies", "partners", "department", "directorate", "unit", "crc", "nps", "cab", "college",
    "university", "school", "schools", "association", "centre", "center", "charity", "ltd", "limited",
    "standards", "commission", "office", "homes", "homeless", "support", "haven", "refuge", "aid", "project",
    "projects", "foundation", "society", "solutions", "watch", "church", "churches", "clinic", "practice",
}  # fmt: skip
GROUP_WORDS = {
    "group", "groups", "board", "partnership", "forum", "panel", "committee", "network", "odg", "jag", "rag",
    "matt", "marac", "mappa", "csp", "cdrp", "lcjb", "ioms", "iom",
}  # fmt: skip
TITLE_WORDS = {
    "insp", "inspector", "ch", "chief", "sgt", "sergeant", "pc", "dc", "ds", "di", "dci", "pcso", "pcsos", "supt",
    "superintendent", "commander", "station", "manager", "managers", "officer", "officers", "coordinator",
    "co-ordinator", "director", "head", "chair", "chairman", "chairperson", "secretary", "analyst", "analysts",
    "worker", "workers", "liaison", "advisor", "adviser", "specialist", "practitioner", "administrator",
    "assistant", "deputy", "senior", "principal", "executive", "commissioner", "councillor", "cllr", "mayor",
    "nurse", "consultant", "csso", "cso", "idva", "idvas", "spoc", "lead", "leader", "portfolio", "holder",
}  # fmt: skip
_NOT_NAMES = {
    "all", "the", "and", "of", "for", "in", "with", "by", "to", "initially", "district", "borough", "county", "town",
    "city", "area", "division", "north", "south", "east", "west", "central", "safety", "community", "crime",
}  # fmt: skip

_CAPITALISED = re.compile(r"^[A-Z][A-Za-z'’\-]*[a-z][A-Za-z'’\-]*$")
_ACRONYM = re.compile(r"^[A-Z][A-Z&]*[A-Z]$|^[A-Z]&[A-Z]$")


def _bare(word: str) -> str:
    return word.strip(".,;:()[]")


def _key(word: str) -> str:
    return _bare(word).lower()


def _is_title_word(word: str) -> bool:
    return _key(word) in TITLE_WORDS


def _is_group_word(word: str) -> bool:
    return _key(word) in GROUP_WORDS


def _is_agency_word(word: str) -> bool:
    key = _key(word)
    if key in AGENCY_WORDS:
        return True
    bare = _bare(word)
    return bool(_ACRONYM.match(bare)) and key not in TITLE_WORDS and key not in GROUP_WORDS


def _is_name_word(word: str) -> bool:
    bare = _bare(word)
    key = bare.lower()
    return (
        bool(_CAPITALISED.match(bare))
        and key not in AGENCY_WORDS
        and key not in GROUP_WORDS
        and key not in TITLE_WORDS
        and key not in _NOT_NAMES
    )


def _is_person(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 4 and all(_is_name_word(word) for word in words) and not text.endswith(",")


def _has_body(text: str) -> bool:
    """Names an organisation or a group."""
    return any(_is_agency_word(word) or _is_group_word(word) for word in text.split())


def _is_whole(text: str) -> bool:
    """A part that is a lead on its own: names a body, a person or a job title, starting with a capital."""
    text = text.strip()
    if not text or not (text[0].isupper() or text[0] == "("):
        return False
    return _has_body(text) or _ends_with_person(text) or any(_is_title_word(word) for word in text.split())


def _ends_with_person(text: str) -> bool:
    words = text.split()
    return len(words) >= 2 and _is_name_word(words[-1]) and _is_name_word(words[-2])


# One lead ------------------------------------------------------------------------------------------------

_PAREN_END = re.compile(r"^(?P<before>.*?)\s*\((?P<inner>[^()]+)\)\s*[.,]?$")
_NAME_THEN_TITLE = re.compile(r"^(?P<name>[^,\-–]+?)\s*(?:,|\s[-–]\s)\s*(?P<rest>.+)$")
_CHAIRED_BY = re.compile(r"^chaired by\s+(?P<body>.+)$", re.IGNORECASE)
_LABEL_PREFIX = re.compile(
    r"^(?P<label>organisation|organization|agency|lead agency|jobholder title|jobholder|job title|title|person|name"
    r"|lead officer|group|lead group)\s*:\s*(?P<value>.+)$",
    re.IGNORECASE,
)
_LABEL_FIELD = {
    "organisation": "organisation",
    "organization": "organisation",
    "agency": "organisation",
    "lead agency": "organisation",
    "jobholder title": "job_title",
    "jobholder": "job_title",
    "job title": "job_title",
    "title": "job_title",
    "person": "person_name",
    "name": "person_name",
    "lead officer": "person_name",
    "group": "group",
    "lead group": "group",
}


def _body(text: str) -> LeadDraft:
    """Words naming a body: a group when they carry a group word and no agency word, else an organisation."""
    words = text.split()
    if any(_is_group_word(word) for word in words) and not any(_key(word) in AGENCY_WORDS for word in words):
        return LeadDraft(group=text)
    return LeadDraft(organisation=text)


def _one_lead(text: str, kind: str = "lead") -> LeadDraft:
    """One lead from its words (no separators left in it)."""
    text = text.strip().strip(",;").strip()
    labelled = _LABEL_PREFIX.match(text)
    if labelled:
        return LeadDraft(kind=kind, **{_LABEL_FIELD[labelled["label"].lower()]: labelled["value"].strip()})
    chaired = _CHAIRED_BY.match(text)
    if chaired:
        lead = _one_lead(chaired["body"], kind)
        return replace(lead, job_title=lead.job_title or "Chair")
    paren = _PAREN_END.match(text)
    if paren and paren["before"] and not _has_body(paren["inner"]) and _only_body(_one_lead(paren["before"])):
        return replace(_body(text), kind=kind)  # "ODG (All)": the words in brackets belong to the body
    if paren and paren["before"] and _has_body(paren["inner"]):
        lead = _one_lead(paren["before"], kind)
        parts = [part.strip() for part in paren["inner"].split(", ")]
        bodies = [_body(part) for part in parts] if all(map(_has_body, parts)) else [_body(paren["inner"].strip())]
        organisations = [body.organisation for body in bodies if body.organisation]
        groups = [body.group for body in bodies if body.group]
        if not lead.organisation and not lead.group and len(organisations) <= 1 and len(groups) <= 1:
            # "Jane Smith (Stevenage Borough Council)", "Jo Bloggs, Manager (ADC, Night Time Economy Group)"
            return replace(lead, organisation="".join(organisations), group="".join(groups))
    if paren and _is_person(paren["before"]) and not _has_body(paren["inner"]):
        # Our pages' wording (`lead_label`) of a body without an agency word: "Frankie Packard (Stevenage Haven)".
        inner = paren["inner"].strip()
        part = "job_title" if any(_is_title_word(word) for word in inner.split()) else "organisation"
        return LeadDraft(kind=kind, person_name=paren["before"].strip(), **{part: inner})
    head, comma, tail = text.rpartition(", ")
    if comma and _has_body(tail) and _only_body(_one_lead(tail)):
        lead = _one_lead(head, kind)
        if not (lead.organisation or lead.group) and (lead.person_name or lead.job_title):
            body = _body(tail)  # "Community Safety Manager, SBC", "Jane Smith, Stevenage Borough Council"
            return replace(lead, organisation=body.organisation, group=body.group)
    named = _NAME_THEN_TITLE.match(text)
    if named and _is_person(named["name"]):
        rest = _one_lead(named["rest"], kind)
        if not rest.person_name:
            return replace(rest, person_name=named["name"].strip())
    return _words_lead(text, kind)


def _words_lead(text: str, kind: str) -> LeadDraft:
    words = text.split()
    person: list[str] = []
    while words and _is_name_word(words[-1]) and len(person) < 3:
        person.insert(0, words.pop())
    if len(person) == 3 and words:
        words.append(person.pop(0))  # "Stevenage Haven Frankie Packard": the name is the last two words
    if len(person) == 1 or (person and words and _key(words[-1]) in {"of", "for", "and", "the"}):
        words.extend(person)  # "Head of Community Safety" names no one
        person = []
    lead = LeadDraft(kind=kind, person_name=" ".join(person))
    if not words:
        return lead
    title_at = next((index for index, word in enumerate(words) if _is_title_word(word)), None)
    if title_at is not None:
        body_words, title_front = _split_body(words[:title_at], has_person=False)
        title_words = title_front + words[title_at:]
    elif not person and (_is_group_word(words[-1]) or _is_agency_word(words[-1])):
        body_words, title_words = words, []  # "Alcohol and drugs working group", "Police Licensing team"
    else:
        body_words, title_words = _split_body(words, has_person=bool(person))
    if body_words:
        body = _body(" ".join(body_words).strip(" ,"))
        lead.organisation, lead.group = body.organisation, body.group
    lead.job_title = " ".join(title_words).strip()
    if lead.organisation and not _has_body(lead.organisation) and not lead.person_name and not lead.job_title:
        # Nothing in the words says what they are: kept whole as a job title.
        lead.job_title, lead.organisation = lead.organisation, ""
    return lead


def _split_body(words: list[str], *, has_person: bool) -> tuple[list[str], list[str]]:
    """The organisation's words at the front (up to the last agency word of the capitalised run), the rest."""
    run = 0
    while run < len(words) and (
        _bare(words[run])[:1].isupper() or _is_agency_word(words[run]) or _is_group_word(words[run])
        or _key(words[run]) in {"&", "and", "of", "for"}
    ):  # fmt: skip
        run += 1
        if words[run - 1].endswith(","):
            break
    body_ends = [index + 1 for index in range(run) if _is_agency_word(words[index]) or _is_group_word(words[index])]
    if has_person and not body_ends:
        return words, []  # words before a name are where the person works ("Stevenage Haven Frankie Packard")
    if not body_ends:
        return [], words
    # A name closed by an agency or group word is the organisation ("E&N Herts NHS Trust", "Sussex Police",
    # "Police Licensing team"); otherwise the words up to the first acronym or agency word ("SBC Licensing",
    # "Police NW Liaison": the rest is a job title).
    named = [index for index in range(run) if _key(words[index]) in AGENCY_WORDS or _is_group_word(words[index])]
    end = named[-1] + 1 if named and named[-1] > 0 else body_ends[0]
    return words[:end], words[end:]


# Splitting a cell into leads ----------------------------------------------------------------------------

_CONJUNCTION = re.compile(
    r"\s*\(?\s*\b(?P<kind>in conjunction with|in partnership with|supported by|with)\s+", re.IGNORECASE
)
_KIND_SUFFIX = re.compile(r"\s+[—–-]\s*(?P<kind>in conjunction with|reporting officer)\s*$", re.IGNORECASE)
_SUFFIX_KINDS = {"in conjunction with": "in_conjunction", "reporting officer": "reporting"}
_REPORTING = re.compile(r"^reporting officer\s*[:\-–]?\s*", re.IGNORECASE)
_AND = re.compile(r"(\s+(?:&|and)\s+)")


def _kind_parts(text: str, kind: str) -> list[tuple[str, str]]:
    """Split "X in conjunction with Y" (and "X (in conjunction with Y)") into (text, kind) parts."""
    suffix = _KIND_SUFFIX.search(text)
    if suffix:  # how our pages write a lead ("Sarah Taylor (CCSU) — in conjunction with", `rules.lead_label`)
        return [(text[: suffix.start()], _SUFFIX_KINDS[suffix["kind"].lower()])]
    reporting = _REPORTING.match(text)
    if reporting:
        return [(text[reporting.end() :], "reporting")]
    match = _CONJUNCTION.search(text)
    if match:
        rest = text[match.end() :].strip()
        if rest.endswith(")") and "(" in text[: match.end()] and rest.count("(") < rest.count(")"):
            rest = rest[:-1]
        before = text[: match.start()].strip()
        if _is_whole(rest) and (before == "" or _is_whole(before)):
            head = [(before, kind)] if before else []
            return head + _kind_parts(rest, "in_conjunction")
    return [(text, kind)]


def _and_parts(text: str) -> list[str]:
    """Split on " & " / " and " where both sides are whole leads ("Police and SBC Licensing")."""
    tokens = _AND.split(text)
    parts = [tokens[0]]
    for joiner, piece in zip(tokens[1::2], tokens[2::2], strict=True):
        if _is_whole(parts[-1]) and _is_whole(piece) and _starts_new_lead(parts[-1], piece):
            parts.append(piece)
        else:
            parts[-1] = f"{parts[-1]}{joiner}{piece}"
    return parts


def _starts_new_lead(before: str, after: str) -> bool:
    """ "Fire & Rescue Service" is one body; "Police and SBC Licensing", "Simon Tabert & Jon Cowen" are two."""
    first = after.split()[0]
    if _ends_with_person(before) or _ends_with_person(after) or _is_title_word(first):
        return True
    return bool(_ACRONYM.match(_bare(first))) or _key(first) in {"police", "probation", "council", "nhs"}


def _comma_parts(text: str) -> list[str]:
    parts = [part.strip() for part in text.split(",")]
    if len(parts) > 1 and all(part and _has_body(part) and _is_whole(part) for part in parts):
        return parts
    return [text]


def _segments(text: str) -> list[list[list[str]]]:
    """Blocks of entries (a blank line ends a block; a line holds entries separated by ";"), each entry
    its " / " pieces."""
    blocks: list[list[str]] = [[]]
    for line in text.splitlines():
        line = line.strip().removeprefix("• ").strip()
        if not line:
            if blocks[-1]:
                blocks.append([])
            continue
        if blocks[-1] and re.match(r"(&|and\b|\()", line):
            line = f"{blocks[-1].pop()} {line}"  # "SBC Evert Robotham" / "& Sarah Brewerton": one line wrapped
        blocks[-1].extend(entry.strip() for entry in line.split(";") if entry.strip())
    return [[_pieces(entry) for entry in block] for block in blocks if block]


def _pieces(entry: str) -> list[str]:
    return [piece.strip() for piece in re.split(r"\s+/\s+", entry) if piece.strip()]


def _filled(lead: LeadDraft) -> set[str]:
    return {key for key in ("person_name", "job_title", "organisation", "group") if getattr(lead, key)}


def _piece_leads(piece: str) -> list[LeadDraft]:
    leads: list[LeadDraft] = []
    for part, kind in _kind_parts(piece, "lead"):
        for text in _comma_parts(part):
            for sub in _and_parts(text):
                lead = _one_lead(sub, kind)
                before = leads[-1] if leads else None
                if before and not (lead.organisation or lead.group) and kind == before.kind:
                    lead = replace(lead, organisation=before.organisation, group=before.group)
                leads.append(lead)
    return leads


def _entry_leads(pieces: list[str]) -> list[LeadDraft]:
    """The leads of " / " pieces: pieces that each give one part of one lead are that lead
    ("Jane Smith / Community Safety Manager / SBC"; "Sussex Police / Chief Inspector ...")."""
    leads: list[LeadDraft] = []
    last_single = False  # the last lead is the only lead of its piece
    for piece in pieces:
        found = _piece_leads(piece)
        last = leads[-1] if leads else None
        if (
            last_single
            and len(found) == 1
            and last.kind == found[0].kind == "lead"
            and not (_filled(last) & _filled(found[0]))
        ):
            for key in _filled(found[0]):
                setattr(last, key, getattr(found[0], key))
            continue
        last_single = len(found) == 1
        leads.extend(found)
    return leads


def _heuristic(text: str) -> list[LeadDraft]:
    leads: list[LeadDraft] = []
    for block in _segments(text):
        heading: LeadDraft | None = None  # a body-only line heading the person lines below it
        heading_used = False
        for pieces in block:
            line_leads = _entry_leads(pieces)
            if len(line_leads) == 1 and _only_body(line_leads[0]):
                if heading is not None and not heading_used:
                    leads.append(heading)
                heading, heading_used = line_leads[0], False
                continue
            for lead in line_leads:
                if heading is not None and lead.kind == "lead" and not (lead.organisation or lead.group):
                    lead.organisation, lead.group = heading.organisation, heading.group
                    heading_used = True
            leads.extend(line_leads)
        if heading is not None and not heading_used:
            leads.append(heading)
    return leads


def _only_body(lead: LeadDraft) -> bool:
    return lead.kind == "lead" and not lead.person_name and not lead.job_title and bool(lead.organisation or lead.group)


def parse_lead_cell(text: str) -> list[LeadDraft]:
    """The leads a cell names, in order: `format_lead` lines exactly, other lines by the plans' habits."""
    leads: list[LeadDraft] = []
    free: list[str] = []
    for line in (text or "").splitlines():
        labelled = _labelled_line(line.strip())
        if labelled is None:
            free.append(line)
            continue
        if free:
            leads.extend(_heuristic("\n".join(free)))
            free = []
        leads.append(labelled)
    if free:
        leads.extend(_heuristic("\n".join(free)))
    return leads
