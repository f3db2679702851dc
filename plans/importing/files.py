"""Reading an uploaded plan file (Word .docx or Excel .xlsx) into tables of cell text, refusing hostile files.

`read_tables(upload, filename=...)` is the one entry point. What the file is comes from its content
(a zip holding a Word document or a workbook); the name's ending is only used to refuse mismatches.
Every hostile or broken file raises `ImportFileError` with one sentence for the user, and nothing
further is read. The checks, in order (each its own function so other uploads reuse the same rule):

1. `read_upload`: empty, larger than 20 MB (the upload's size is looked at before reading).
2. `check_signature`: PDF, old binary Office files (.doc/.xls) and password-protected Office files
   (both OLE compound files), anything that is not a zip.
3. the name's ending: macro-enabled endings (.xlsm, .docm...) and anything but .docx/.xlsx.
4. `open_zip`: damaged zip, zip bombs judged from the zip directory before anything is unpacked
   (total unpacked size, compression ratio of each part, number of parts), encrypted parts.
5. `check_parts`: macros (vbaProject.bin, macro content types), XML with DOCTYPE / ENTITY
   declarations (each XML part read once in bounded chunks, counting the bytes really unpacked).
6. the kind (Word or Excel, from the content types), which must match the name's ending.
7. reading: openpyxl in read-only mode (formulas kept as their text, never evaluated) or
   python-docx; more than 5,000 rows in all, more than 100 columns, no table, empty sheets.

openpyxl parses with defusedxml when it is installed (it is) and python-docx's parser does not
resolve entities; the DOCTYPE scan refuses such files before either library sees them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import zipfile
import zlib
from bisect import bisect_left, bisect_right
from collections import deque
from dataclasses import dataclass

import docx
from defusedxml import ElementTree as SafeElementTree
from docx.oxml.ns import qn
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._reader import WorkSheetParser

from .drafts import ImportFileError, RawTable

MB = 1024 * 1024
MAX_FILE_BYTES = 20 * MB
MAX_UNPACKED_BYTES = 100 * MB  # all parts of the zip together, once unpacked
MAX_RATIO = 100  # a part may unpack to at most 100 times its packed size...
RATIO_FLOOR = 1 * MB  # ...once it unpacks to more than this (tiny parts compress well and harm nothing)
MAX_PARTS = 5_000
MAX_ROWS = 5_000  # rows with content, all tables or sheets together
MAX_COLUMNS = 100
MAX_SHEET_CELLS = 1_000_000  # cells in all worksheets' XML (empty formatted ones too) and shared strings
# XML elements in the parts a library builds in memory whole (a Word document's parts; a workbook's
# parts but its worksheets, which are read row by row). A 100-page plan has some 300,000; a million
# takes python-docx about 250 MB and seconds, so a small file packed with paragraphs cannot exhaust a worker.
MAX_XML_ELEMENTS = 1_000_000
# Elements of the streamed parts (worksheets, shared strings): a cell is 2-4 elements.
MAX_STREAMED_ELEMENTS = 4 * MAX_SHEET_CELLS
HEADINGS_KEPT = 5  # headings remembered before each Word table...
HEADINGS_LOOK_BACK = 30  # ...looked for among the last 30 paragraphs before it

WORD = "docx"
EXCEL = "xlsx"
ALLOWED_ENDINGS = {".docx": WORD, ".xlsx": EXCEL}
MACRO_ENDINGS = {".docm", ".dotm", ".xlsm", ".xltm", ".xlam", ".ppam", ".pptm"}

# Messages shown to the user (docs/import.md "Files we refuse" lists them).
EMPTY = "The file is empty"
TOO_LARGE = "The file is larger than {mb} MB"
NOT_OFFICE = "The file is not a Word document (.docx) or an Excel workbook (.xlsx)"
WRONG_ENDING = "The file must be a Word document (.docx) or an Excel workbook (.xlsx)"
PDF = "The file is a PDF; upload the plan as a Word document (.docx) or an Excel workbook (.xlsx)"
OLD_WORD = "The file is an old-style Word document (.doc); open it in Word, save it as .docx and upload that"
OLD_EXCEL = "The file is an old-style Excel workbook (.xls); open it in Excel, save it as .xlsx and upload that"
OLD_OFFICE = "The file is in an old Office format; save it as .docx or .xlsx and upload that"
PASSWORD = "The file is password-protected; remove the password, save it and upload it again"
MACROS = "The file contains macros; save it as a Word document (.docx) or Excel workbook (.xlsx) without macros"
DAMAGED = "The file is damaged and cannot be opened"
STRICT = (
    "The file is saved as Strict Open XML; save it again as an ordinary Word document (.docx) or Excel workbook (.xlsx)"
)
UNPACKS_TOO_LARGE = "The file unpacks to more than {mb} MB, so it will not be opened"
TOO_COMPRESSED = "The file is packed far more tightly than a real document, so it will not be opened"
TOO_MANY_PARTS = "The file has too many parts to be a plan, so it will not be opened"
XML_DECLARATIONS = "The file contains XML declarations (DOCTYPE or ENTITY) that Word and Excel never write"
MISMATCH = "The file's name ends in {ending} but it is {actual}; correct the name or save it again as {ending}"
TOO_MANY_ROWS = "The file has more than {rows:,} rows; split it into smaller files"
TOO_MANY_COLUMNS = "{source} has more than {columns} columns; remove the columns the plan does not use"
TOO_MANY_CELLS = "The workbook has more than {cells:,} cells; split it into smaller files"
TOO_COMPLEX = "The file holds too much text and formatting to be read as one plan; split it into smaller files"
NO_TABLE = "The file has no table"
SHEET_EMPTY = "The sheet is empty"
SHEETS_EMPTY = "Every sheet of the workbook is empty"
# The messages that say "this is not the kind of file wanted" (an upload of another kind words them itself).
NOT_THIS_FORMAT = frozenset({NOT_OFFICE, PDF, OLD_WORD, OLD_OFFICE})

_CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_CHUNK = 64 * 1024
_DECLARATION = re.compile(rb"<!\s*(?:doctype|entity)", re.IGNORECASE)
_SHEET_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_STRICT_ROOT = b"purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
_WORD_MAIN = "wordprocessingml.document.main+xml"
_EXCEL_MAIN = "spreadsheetml.sheet.main+xml"


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


# --- The low-level checks (also used by the indicator readings upload) ----------------------


def check_size(size: int, *, max_bytes: int = MAX_FILE_BYTES) -> None:
    """Refuses an empty file or one over `max_bytes`."""
    if size > max_bytes:
        raise ImportFileError(TOO_LARGE.format(mb=max_bytes // MB))
    if size == 0:
        raise ImportFileError(EMPTY)


def read_upload(upload, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The upload's bytes; refuses an empty file or one over `max_bytes` (its size is looked at first)."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        check_size(size, max_bytes=max_bytes)
    if hasattr(upload, "seek"):
        with contextlib.suppress(OSError, ValueError):  # a stream that cannot rewind is read from where it is
            upload.seek(0)
    data = upload.read(max_bytes + 1)
    check_size(len(data), max_bytes=max_bytes)
    return data


def check_signature(data: bytes) -> None:
    """Refuses a PDF, an old binary or password-protected Office file, and anything that is not a zip."""
    if data.startswith(_ZIP_SIGNATURES):
        return
    if b"%PDF-" in data[:1024]:  # PDF readers accept up to 1 KB before the header
        raise ImportFileError(PDF)
    if data.startswith(_CFB_SIGNATURE):
        # Office keeps an encrypted .docx/.xlsx inside a compound file with these two streams.
        if _utf16("EncryptionInfo") in data or _utf16("EncryptedPackage") in data:
            raise ImportFileError(PASSWORD)
        if _utf16("WordDocument") in data:
            raise ImportFileError(OLD_WORD)
        if _utf16("Workbook") in data or _utf16("Book") in data:
            raise ImportFileError(OLD_EXCEL)
        raise ImportFileError(OLD_OFFICE)
    raise ImportFileError(NOT_OFFICE)


def open_zip(
    data: bytes,
    *,
    max_unpacked: int = MAX_UNPACKED_BYTES,
    max_ratio: int = MAX_RATIO,
    ratio_floor: int = RATIO_FLOOR,
    max_parts: int = MAX_PARTS,
) -> zipfile.ZipFile:
    """The zip, once its directory shows nothing hostile; nothing has been unpacked yet."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ImportFileError(DAMAGED) from exc
    if len(members) > max_parts:
        raise ImportFileError(TOO_MANY_PARTS)
    total = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise ImportFileError(PASSWORD)
        total += info.file_size
        if total > max_unpacked:
            raise ImportFileError(UNPACKS_TOO_LARGE.format(mb=max_unpacked // MB))
        if info.file_size > ratio_floor and info.file_size > max_ratio * max(info.compress_size, 1):
            raise ImportFileError(TOO_COMPRESSED)
    return archive


def read_part(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, budget: list[int], max_unpacked: int = MAX_UNPACKED_BYTES
) -> bytes:
    """A part's bytes, counting what is really unpacked against `budget[0]` (the directory may lie)."""
    return b"".join(_iter_part(archive, info, budget=budget, max_unpacked=max_unpacked))


def _iter_part(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, budget: list[int], max_unpacked: int = MAX_UNPACKED_BYTES
):
    try:
        with archive.open(info) as part:
            while True:
                chunk = part.read(_CHUNK)
                if not chunk:
                    return
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    raise ImportFileError(UNPACKS_TOO_LARGE.format(mb=max_unpacked // MB))
                yield chunk
    except ImportFileError:
        raise
    except RuntimeError as exc:  # an encrypted part
        raise ImportFileError(PASSWORD) from exc
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, ValueError) as exc:
        raise ImportFileError(DAMAGED) from exc


@dataclass
class PackageFacts:
    kind: str | None  # WORD, EXCEL or None (a zip of something else)
    sheet_cells: int  # cell elements in worksheet XML and shared strings
    elements: int  # XML elements in the other XML parts (built whole by the libraries)


def check_parts(archive: zipfile.ZipFile, *, max_unpacked: int = MAX_UNPACKED_BYTES) -> PackageFacts:
    """Refuses macros and XML declarations; every part a library would parse as XML is read once, in chunks.

    Which parts are XML comes from the package's content types (what the libraries go by), not the names.
    """
    members = archive.infolist()
    for info in members:
        if info.filename.lower().rsplit("/", 1)[-1] in ("vbaproject.bin", "vbadata.xml"):
            raise ImportFileError(MACROS)
    budget = [max_unpacked]
    manifest = next((info for info in members if info.filename.lower() == "[content_types].xml"), None)
    if manifest is None:
        raise ImportFileError(NOT_OFFICE)
    _, types = _read_xml_part(archive, manifest, budget=budget, max_unpacked=max_unpacked, counted=None, keep=True)
    defaults, overrides = _content_types(types)
    kinds = [*defaults.values(), *overrides.values()]
    if any("macro" in kind or "vbaproject" in kind for kind in kinds):
        raise ImportFileError(MACROS)
    sheet_cells = elements = streamed = 0
    for info in members:
        if info is manifest:
            continue
        name = info.filename.lower()
        kind = overrides.get("/" + name.lstrip("/")) or defaults.get(name.rsplit(".", 1)[-1] if "." in name else "")
        if kind is None:
            if not name.endswith((".xml", ".rels")):
                continue
        elif not kind.endswith("xml") or kind.startswith("image/"):
            continue  # pictures, embedded files: kept as bytes, never parsed
        # Worksheets and the shared strings are read as a stream (a row, a string at a time): their
        # cells and strings are counted; every other part is built whole, so its elements are counted.
        kind = kind or ""
        counted = _SHEET_CELL if "spreadsheetml.worksheet" in kind else None
        counted = _SHARED_STRING if "spreadsheetml.sharedstrings" in kind else counted
        root_rels = name == "_rels/.rels"
        (found, tags), kept = _read_xml_part(
            archive, info, budget=budget, max_unpacked=max_unpacked, counted=counted, keep=root_rels
        )
        if root_rels and _STRICT_ROOT in kept:  # the package's main relationship, in Strict's namespace
            raise ImportFileError(STRICT)
        if counted is None:
            elements += tags
        else:
            sheet_cells += found
            streamed += tags
    package_kinds = set()
    if any(_WORD_MAIN in kind for kind in kinds):
        package_kinds.add(WORD)
    if any(_EXCEL_MAIN in kind for kind in kinds):
        package_kinds.add(EXCEL)
    if sheet_cells > MAX_SHEET_CELLS:
        raise ImportFileError(TOO_MANY_CELLS.format(cells=MAX_SHEET_CELLS))
    if elements > MAX_XML_ELEMENTS or streamed > MAX_STREAMED_ELEMENTS:
        raise ImportFileError(TOO_COMPLEX)
    kind = package_kinds.pop() if len(package_kinds) == 1 else None
    return PackageFacts(kind=kind, sheet_cells=sheet_cells, elements=elements)


def _read_xml_part(
    archive, info, *, budget: list[int], max_unpacked: int, counted: re.Pattern | None, keep: bool = False
) -> tuple[tuple[int, int], bytes]:
    """Scans a part for declarations chunk by chunk: ((`counted` elements, all elements), the bytes when `keep`)."""
    kept: list[bytes] = []
    carry = b""
    found = tags = 0
    for chunk in _iter_part(archive, info, budget=budget, max_unpacked=max_unpacked):
        if keep:
            kept.append(chunk)
        buffer = carry + chunk
        cut = buffer.rfind(b"<")  # a tag cut by the chunk's end is scanned with the next chunk
        if cut <= 0:
            cut = len(buffer) if len(buffer) > 256 else 0
        scanned, carry = buffer[:cut], buffer[cut:]
        more, more_tags = _scan(scanned, counted)
        found, tags = found + more, tags + more_tags
    more, more_tags = _scan(carry, counted)
    return (found + more, tags + more_tags), b"".join(kept)


def _scan(text: bytes, counted: re.Pattern | None) -> tuple[int, int]:
    """Refuses DOCTYPE / ENTITY declarations; (how many `counted` elements, how many elements) `text` has."""
    if b"\x00" in text:  # UTF-16 or UTF-32: the ASCII of the markup with the zero bytes taken out
        text = text.replace(b"\x00", b"")
    if _DECLARATION.search(text):
        raise ImportFileError(XML_DECLARATIONS)
    tags = text.count(b"<") - text.count(b"</") - text.count(b"<?") - text.count(b"<!")
    return (len(counted.findall(text)) if counted is not None else 0), tags


def _content_types(data: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """The package's content types: (by extension, by part name), lower case."""
    try:
        root = SafeElementTree.fromstring(data)
    except Exception as exc:  # defusedxml refuses declarations; anything else is a broken part
        raise ImportFileError(DAMAGED) from exc
    defaults, overrides = {}, {}
    for element in root.iter():
        kind = (element.get("ContentType") or "").lower()
        if element.tag.endswith("Default") and element.get("Extension"):
            defaults[element.get("Extension").lower()] = kind
        elif element.tag.endswith("Override") and element.get("PartName"):
            overrides["/" + element.get("PartName").lower().lstrip("/")] = kind
    return defaults, overrides


def checked_package(upload, *, filename: str) -> tuple[str, bytes]:
    """Every check before a library reads the file: its kind (WORD or EXCEL) and its bytes."""
    data = read_upload(upload)
    ending = _ending(filename)
    if ending in MACRO_ENDINGS:
        raise ImportFileError(MACROS)
    check_signature(data)
    if ending not in ALLOWED_ENDINGS:
        raise ImportFileError(WRONG_ENDING)
    archive = open_zip(data)
    facts = check_parts(archive)
    if facts.kind is None:
        raise ImportFileError(NOT_OFFICE)
    if facts.kind != ALLOWED_ENDINGS[ending]:
        actual = "a Word document" if facts.kind == WORD else "an Excel workbook"
        raise ImportFileError(MISMATCH.format(ending=ending, actual=actual))
    return facts.kind, data


def _ending(filename: str) -> str:
    name = (filename or "").strip().lower().rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return "." + name.rsplit(".", 1)[-1] if "." in name else ""


# --- Reading ---------------------------------------------------------------------------------


def read_tables(upload, *, filename: str) -> list[RawTable]:
    """The tables of a .docx or the sheets of a .xlsx as cell text; `ImportFileError` for a file we refuse."""
    kind, data = checked_package(upload, filename=filename)
    if kind == EXCEL:
        return _read_workbook(data)
    return _read_document(data)


def _finish(source: str, rows: list[tuple[int, list[str]]], **extra) -> RawTable:
    """Pads the rows to one width (trailing empty columns dropped)."""
    width = max((len(cells) for _, cells in rows), default=0)
    while width and all(len(cells) < width or not cells[width - 1] for _, cells in rows):
        width -= 1
    padded = [(cells + [""] * width)[:width] for _, cells in rows]
    return RawTable(source=source, rows=padded, row_numbers=[number for number, _ in rows], **extra)


class RowCounter:
    """Counts rows with content across tables; refuses the file past `limit` (plus `heading_rows` not counted)."""

    def __init__(self, limit: int = MAX_ROWS, *, heading_rows: int = 0) -> None:
        self.rows = 0
        self.limit = limit
        self.heading_rows = heading_rows

    def add(self) -> None:
        self.rows += 1
        if self.rows > self.limit + self.heading_rows:
            raise ImportFileError(TOO_MANY_ROWS.format(rows=self.limit))


# --- Excel -----------------------------------------------------------------------------------


def cell_text(value) -> str:
    """A cell's value as the text the parser reads: formulas as written, dates ISO, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, str):
        # Line breaks at the start stay: in line-matched cells (milestone dates and leads, see layout.py)
        # an empty first line says the first milestone has no date or lead.
        return value.replace("\r\n", "\n").replace("\r", "\n").rstrip().lstrip(" \t")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    text = getattr(value, "text", None)  # ArrayFormula keeps its formula text
    if isinstance(text, str):
        return text.strip()
    return str(value).strip()


def open_workbook(data: bytes, *, data_only: bool = False):
    """openpyxl's read-only workbook (formulas as their text unless `data_only`); DAMAGED if it cannot."""
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only, keep_links=False)
    except Exception as exc:  # a zip with a workbook part openpyxl cannot make sense of
        raise ImportFileError(DAMAGED) from exc


def _read_workbook(data: bytes) -> list[RawTable]:
    workbook = open_workbook(data)
    counter = RowCounter()
    tables = []
    try:
        sheets = workbook.worksheets
        for sheet in sheets:
            table = sheet_table(workbook, sheet, counter)
            if table is not None:
                tables.append(table)
    finally:
        workbook.close()
    if not tables:
        raise ImportFileError(SHEET_EMPTY if len(sheets) <= 1 else SHEETS_EMPTY)
    return tables


def sheet_table(workbook, sheet, counter: RowCounter) -> RawTable | None:
    """One sheet of an `open_workbook` as a table (None when it has no text); DAMAGED if it cannot be read."""
    try:
        return _read_sheet(workbook, sheet, counter)
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(DAMAGED) from exc


def _read_sheet(workbook, sheet, counter: RowCounter) -> RawTable | None:
    source = f"Sheet '{sheet.title}'"
    rows: dict[int, dict[int, str]] = {}
    # openpyxl's own streaming parser (what read-only iter_rows uses) gives each row with its real
    # number and only the cells present, so gaps and far-off cells cost nothing; it also gives the
    # merged ranges, which read-only worksheets do not expose.
    with sheet._get_source() as source_xml:
        parser = WorkSheetParser(
            source_xml,
            sheet._shared_strings,
            data_only=workbook.data_only,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            values = {}
            for cell in cells:
                text = cell_text(cell["value"])
                if not text:
                    continue
                if cell["column"] > MAX_COLUMNS:
                    raise ImportFileError(TOO_MANY_COLUMNS.format(source=source, columns=MAX_COLUMNS))
                values[cell["column"]] = text
            if values and number not in rows:
                counter.add()
                rows[number] = values
        merged = parser.merged_cells.mergeCell if parser.merged_cells is not None else []
    if not rows:
        return None
    width = max(max(values) for values in rows.values())
    numbers = sorted(rows)
    filled = 0
    for merge in merged:
        min_col, min_row, max_col, max_row = range_boundaries(merge.ref)
        top_left = rows.get(min_row, {}).get(min_col, "")
        if not top_left:
            continue
        for number in numbers[bisect_left(numbers, min_row) : bisect_right(numbers, max_row)]:
            for column in range(min_col, min(max_col, width) + 1):
                rows[number][column] = top_left
                filled += 1
        if filled > MAX_ROWS * MAX_COLUMNS:  # merges overlapping again and again: Excel calls that corrupt
            raise ImportFileError(DAMAGED)
    table_rows = [(number, [rows[number].get(column, "") for column in range(1, width + 1)]) for number in numbers]
    return _finish(source, table_rows)


# --- Word ------------------------------------------------------------------------------------

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_SDT, _SDT_CONTENT, _CUSTOM_XML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
_T, _TAB, _BR, _CR, _HYPHEN = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:noBreakHyphen")
_VAL = qn("w:val")
_DELETED, _MOVED_FROM = qn("w:del"), qn("w:moveFrom")
_BULLET_STARTS = ("•", "·", "▪", "◦", "-", "–", "*", "o ")


def _blocks(parent):
    """Child elements, looking through content controls and custom XML wrappers."""
    for child in parent.iterchildren():
        if child.tag in (_SDT, _CUSTOM_XML):
            content = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if content is not None:
                yield from _blocks(content)
        else:
            yield child


def _on(element) -> bool:
    """A w:b / w:numPr-like toggle: present and not switched off."""
    return element is not None and element.get(_VAL, "true").lower() not in ("0", "false", "off")


_STYLE, _STYLE_ID, _BASED_ON, _NAME = qn("w:style"), qn("w:styleId"), qn("w:basedOn"), qn("w:name")
_PPR_NUMPR = f"{qn('w:pPr')}/{qn('w:numPr')}"
_PPR_OUTLINE = f"{qn('w:pPr')}/{qn('w:outlineLvl')}"
_PPR_STYLE = f"{qn('w:pPr')}/{qn('w:pStyle')}"
_RPR_BOLD = f"{qn('w:rPr')}/{qn('w:b')}"
_RPR_STYLE = f"{qn('w:rPr')}/{qn('w:rStyle')}"
_NUM_ID, _R = qn("w:numId"), qn("w:r")
_GRID_BEFORE = f"{qn('w:trPr')}/{qn('w:gridBefore')}"
_TC_PR, _GRID_SPAN, _V_MERGE, _H_MERGE = qn("w:tcPr"), qn("w:gridSpan"), qn("w:vMerge"), qn("w:hMerge")


class _Styles:
    """What the document's styles say about a paragraph: its name, list, bold, heading (each style looked up once)."""

    def __init__(self, document) -> None:
        self.by_id = {style.get(_STYLE_ID): style for style in document.styles.element.iterchildren(_STYLE)}
        self._cache: dict[tuple[str, str | None], bool | str] = {}

    def _chain(self, style_id):
        seen = set()
        while style_id and style_id not in seen and len(seen) < 10:
            seen.add(style_id)
            style = self.by_id.get(style_id)
            if style is None:
                return
            yield style
            based = style.find(_BASED_ON)
            style_id = based.get(_VAL) if based is not None else None

    def _cached(self, what: str, style_id, work):
        key = (what, style_id)
        if key not in self._cache:
            self._cache[key] = work(style_id)
        return self._cache[key]

    def name(self, style_id) -> str:
        def work(style_id):
            style = self.by_id.get(style_id)
            name = style.find(_NAME) if style is not None else None
            return (name.get(_VAL) if name is not None else style_id or "").lower()

        return self._cached("name", style_id, work)

    def numbered(self, style_id) -> bool:
        return self._cached(
            "numbered", style_id, lambda s: any(style.find(_PPR_NUMPR) is not None for style in self._chain(s))
        )

    def bold(self, style_id) -> bool:
        def work(style_id):
            for style in self._chain(style_id):
                b = style.find(_RPR_BOLD)
                if b is not None:
                    return _on(b)
            return False

        return self._cached("bold", style_id, work)

    def heading(self, style_id) -> bool:
        def work(style_id):
            name = self.name(style_id)
            if name.startswith("heading") or name == "title":
                return True
            return any(style.find(_PPR_OUTLINE) is not None for style in self._chain(style_id))

        return self._cached("heading", style_id, work)


def _style_id(p) -> str | None:
    style = p.find(_PPR_STYLE)
    return style.get(_VAL) if style is not None else None


def _text(p) -> str:
    parts = []
    for element in p.iter(_T, _TAB, _BR, _CR, _HYPHEN):
        if next(element.iterancestors(_DELETED, _MOVED_FROM), None) is not None:
            continue  # tracked changes: text deleted or moved away is not the document's text
        if element.tag == _T:
            parts.append(element.text or "")
        elif element.tag == _TAB:
            parts.append("\t")
        elif element.tag == _HYPHEN:
            parts.append("-")
        else:
            parts.append("\n")
    return "".join(parts).replace("\u00a0", " ").strip()


def _is_list(p, styles: _Styles) -> bool:
    num = p.find(_PPR_NUMPR)
    if num is not None:
        num_id = num.find(_NUM_ID)
        return num_id is None or num_id.get(_VAL) != "0"
    style_id = _style_id(p)
    return styles.name(style_id).startswith("list") or styles.numbered(style_id)


def _is_heading(p, styles: _Styles, text: str) -> bool:
    if not text or len(text) > 200:
        return False
    style_id = _style_id(p)
    if styles.heading(style_id) or p.find(_PPR_OUTLINE) is not None:
        return True
    style_bold = styles.bold(style_id)
    runs = [r for r in p.iter(_R) if "".join(t.text or "" for t in r.iter(_T)).strip()]
    if not runs:
        return False
    for run in runs:
        b = run.find(_RPR_BOLD)
        run_style = run.find(_RPR_STYLE)
        bold = _on(b) if b is not None else (style_bold or (run_style is not None and styles.bold(run_style.get(_VAL))))
        if not bold:
            return False
    return True


def _paragraph_line(p, styles: _Styles) -> str:
    text = _text(p)
    if text and _is_list(p, styles) and not text.startswith(_BULLET_STARTS):
        return "• " + text
    return text


def _cell_text(tc, styles: _Styles) -> str:
    lines: list[str] = []
    for block in _blocks(tc):
        if block.tag == _P:
            lines.append(_paragraph_line(block, styles))
        elif block.tag == _TBL:  # a table inside a cell: one line per row, its cells joined by " | "
            for row in _table_rows(block, styles):
                line = " | ".join(cell.replace("\n", " ") for cell in row if cell)
                if line:
                    lines.append(line)
    # Empty lines at the start stay, as in a workbook's cells: in line-matched cells (milestone dates
    # and leads, see layout.py) an empty first line says the first milestone has no date or lead.
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _table_rows(tbl, styles: _Styles, own: list[list[bool]] | None = None) -> list[list[str]]:
    """Every row of the table as cell text on the table's grid; merged cells repeat their text.

    `own`, when given, receives for each row which cells have their own text (not repeated from a merge).
    """
    rows: list[list[str]] = []
    above: list[str] = []
    for tr in _blocks(tbl):
        if tr.tag != _TR:
            continue
        cells: list[str] = []
        mine: list[bool] = []
        before = tr.find(_GRID_BEFORE)
        skip = _int(before.get(_VAL)) if before is not None else 0
        cells.extend([""] * min(skip, MAX_COLUMNS + 1))
        mine.extend([False] * len(cells))
        for tc in _blocks(tr):
            if tc.tag != _TC:
                continue
            props = tc.find(_TC_PR)
            span, v_merge, h_merge = 1, None, None
            if props is not None:
                grid_span = props.find(_GRID_SPAN)
                span = max(1, _int(grid_span.get(_VAL))) if grid_span is not None else 1
                v_merge = props.find(_V_MERGE)
                h_merge = props.find(_H_MERGE)
            column = len(cells)
            if v_merge is not None and v_merge.get(_VAL, "continue") == "continue":
                text, has_own = (above[column] if column < len(above) else ""), False
            elif h_merge is not None and h_merge.get(_VAL, "continue") == "continue" and cells:
                text, has_own = cells[-1], False
            else:
                text = _cell_text(tc, styles)
                has_own = bool(text)
            span = min(span, MAX_COLUMNS + 1 - column)
            cells.extend([text] * span)
            mine.extend([has_own] + [False] * (span - 1))
            if len(cells) > MAX_COLUMNS:
                break
        rows.append(cells)
        if own is not None:
            own.append(mine)
        above = cells
    return rows


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _read_document(data: bytes) -> list[RawTable]:
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # a zip with a document part python-docx cannot make sense of
        raise ImportFileError(DAMAGED) from exc
    try:
        return _document_tables(document)
    except ImportFileError:
        raise
    except Exception as exc:  # XML python-docx accepted but no Word writes; never an error page
        raise ImportFileError(DAMAGED) from exc


def _headings(paragraphs, styles: _Styles) -> list[str]:
    """The last HEADINGS_KEPT headings among the paragraphs (the last HEADINGS_LOOK_BACK before a table)."""
    found: list[str] = []
    for p in reversed(paragraphs):
        text = _text(p)
        if _is_heading(p, styles, text):
            found.insert(0, text)
            if len(found) == HEADINGS_KEPT:
                break
    return found


def _document_tables(document) -> list[RawTable]:
    styles = _Styles(document)
    counter = RowCounter()
    tables: list[RawTable] = []
    paragraphs: deque = deque(maxlen=HEADINGS_LOOK_BACK)  # body paragraphs since the previous table
    number = 0
    for block in _blocks(document.element.body):
        if block.tag == _P:
            paragraphs.append(block)
            continue
        if block.tag != _TBL:
            continue
        number += 1
        source = f"Table {number}"
        own: list[list[bool]] = []
        grid = _table_rows(block, styles, own)
        if any(len(cells) > MAX_COLUMNS for cells in grid):
            raise ImportFileError(TOO_MANY_COLUMNS.format(source=source, columns=MAX_COLUMNS))
        rows = []
        for index, (cells, mine) in enumerate(zip(grid, own, strict=True), start=1):
            if any(mine):
                counter.add()
                rows.append((index, cells))
        if rows:
            tables.append(_finish(source, rows, headings_before=_headings(paragraphs, styles)))
        paragraphs.clear()
    if not tables:
        raise ImportFileError(NO_TABLE)
    return tables
