"""Reading uploaded plan files (issue 12): hostile and broken files refused with one message, tables read."""

from __future__ import annotations

import copy
import datetime as dt
import io
import struct
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from openpyxl import Workbook

from plans.importing import files
from plans.importing.drafts import ImportFileError, RawTable
from plans.importing.files import read_tables

# --- Building files ----------------------------------------------------------------------------


def xlsx_bytes(rows=(("Objective", "Lead"), ("Reduce harm", "Police")), *, title="Plan", setup=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    if setup:
        setup(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def docx_bytes(build=None) -> bytes:
    document = docx.Document()
    if build:
        build(document)
    else:
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "Objective", "Lead"
        table.cell(1, 0).text, table.cell(1, 1).text = "Reduce harm", "Police"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, *, replace=None, add=None, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """The same package with some parts replaced or added."""
    replace, add = replace or {}, add or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, content in add.items():
            target.writestr(name, content)
    return buffer.getvalue()


def cfb(*streams: str) -> bytes:
    """The start of an OLE compound file naming the given streams in its directory (UTF-16)."""
    body = b"".join(name.encode("utf-16-le") + b"\x00\x00" for name in streams)
    return files._CFB_SIGNATURE + b"\x00" * 504 + body + b"\x00" * 512


@pytest.fixture
def libraries_untouched(monkeypatch):
    """Fails the test if the file reaches openpyxl or python-docx."""

    def refuse(*args, **kwargs):
        raise AssertionError("a library was asked to read a refused file")

    monkeypatch.setattr(files, "_read_workbook", refuse)
    monkeypatch.setattr(files, "_read_document", refuse)


def refused(data: bytes, filename: str) -> str:
    with pytest.raises(ImportFileError) as exc:
        read_tables(io.BytesIO(data), filename=filename)
    return str(exc.value)


# --- Hostile and broken files --------------------------------------------------------------------


def test_an_empty_file_is_refused(libraries_untouched):
    assert refused(b"", "plan.xlsx") == "The file is empty"


class SizedUpload:
    """An upload that says it is large; reading it would fail the test."""

    size = 20 * 1024 * 1024 + 1

    def read(self, *args):
        raise AssertionError("a file over the limit was read")


def test_a_file_over_20_mb_is_refused_from_its_size_before_it_is_read(libraries_untouched):
    with pytest.raises(ImportFileError) as exc:
        read_tables(SizedUpload(), filename="plan.xlsx")
    assert str(exc.value) == "The file is larger than 20 MB"


def test_a_file_over_20_mb_without_a_size_is_read_no_further_than_the_limit(libraries_untouched):
    stream = io.BytesIO(b"PK\x03\x04" + b"\x00" * (20 * 1024 * 1024))
    assert refused(stream.getvalue(), "plan.xlsx") == "The file is larger than 20 MB"
    stream.seek(0)
    with pytest.raises(ImportFileError):
        read_tables(stream, filename="plan.xlsx")
    assert stream.tell() == 20 * 1024 * 1024 + 1


@pytest.mark.parametrize("name", ["plan.xlsx", "plan.docx"])
def test_random_bytes_are_refused(libraries_untouched, name):
    assert refused(b"\x13\x37 not an office file at all \xff" * 20, name) == files.NOT_OFFICE


@pytest.mark.parametrize("name", ["plan.pdf", "plan.docx"])
def test_a_pdf_is_refused_even_when_named_docx(libraries_untouched, name):
    assert refused(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", name) == (
        "The file is a PDF; upload the plan as a Word document (.docx) or an Excel workbook (.xlsx)"
    )


def test_an_old_binary_word_document_is_refused_with_save_as_docx(libraries_untouched):
    message = refused(cfb("Root Entry", "WordDocument", "1Table"), "plan.doc")
    assert message == "The file is an old-style Word document (.doc); open it in Word, save it as .docx and upload that"


def test_an_old_binary_workbook_is_refused_with_save_as_xlsx_even_when_named_xlsx(libraries_untouched):
    message = refused(cfb("Root Entry", "Workbook"), "plan.xlsx")
    assert message == (
        "The file is an old-style Excel workbook (.xls); open it in Excel, save it as .xlsx and upload that"
    )


@pytest.mark.parametrize("name", ["plan.xlsx", "plan.docx"])
def test_a_password_protected_office_file_is_refused(libraries_untouched, name):
    # Office saves an encrypted .docx/.xlsx as a compound file with EncryptionInfo and EncryptedPackage.
    message = refused(cfb("Root Entry", "EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"), name)
    assert message == "The file is password-protected; remove the password, save it and upload it again"


def test_a_zip_with_encrypted_parts_is_refused_as_password_protected(libraries_untouched):
    data = bytearray(xlsx_bytes())
    # Set the "encrypted" flag of the first part in the central directory.
    at = data.find(b"PK\x01\x02")
    flags = struct.unpack_from("<H", data, at + 8)[0]
    struct.pack_into("<H", data, at + 8, flags | 0x1)
    assert refused(bytes(data), "plan.xlsx") == files.PASSWORD


@pytest.mark.parametrize("name", ["plan.xlsm", "plan.docm", "PLAN.XLTM", "plan.dotm"])
def test_macro_enabled_endings_are_refused(libraries_untouched, name):
    data = docx_bytes() if "do" in name.lower() else xlsx_bytes()
    assert refused(data, name) == (
        "The file contains macros; save it as a Word document (.docx) or Excel workbook (.xlsx) without macros"
    )


def test_a_vba_project_inside_an_xlsx_is_refused(libraries_untouched):
    data = rezip(xlsx_bytes(), add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro code"})
    assert refused(data, "plan.xlsx") == files.MACROS


def test_a_macro_enabled_content_type_is_refused(libraries_untouched):
    original = xlsx_bytes()
    types = zipfile.ZipFile(io.BytesIO(original)).read("[Content_Types].xml")
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    assert refused(rezip(original, replace={"[Content_Types].xml": types}), "plan.xlsx") == files.MACROS


def test_a_macro_enabled_word_document_renamed_docx_is_refused(libraries_untouched):
    original = docx_bytes()
    types = zipfile.ZipFile(io.BytesIO(original)).read("[Content_Types].xml")
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    data = rezip(original, replace={"[Content_Types].xml": types}, add={"word/vbaData.xml": b"<x/>"})
    assert refused(data, "plan.docx") == files.MACROS


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04" + b"broken zip" * 50,
        xlsx_bytes()[:3000],  # cut short: no central directory
    ],
)
def test_a_damaged_zip_is_refused(libraries_untouched, data):
    assert refused(data, "plan.xlsx") == "The file is damaged and cannot be opened"


def test_a_part_whose_packed_data_is_corrupt_is_refused_as_damaged(libraries_untouched):
    data = bytearray(xlsx_bytes())
    directory = data.find(b"PK\x01\x02")  # the first part's entry in the central directory
    offset = struct.unpack_from("<I", data, directory + 42)[0]  # where its local header is
    name_length, extra_length = struct.unpack_from("<HH", data, offset + 26)
    start = offset + 30 + name_length + extra_length
    assert data[offset + 30 : offset + 30 + name_length].endswith(b".xml")
    data[start : start + 8] = b"\xff" * 8  # its packed bytes no longer decompress
    assert refused(bytes(data), "plan.xlsx") == files.DAMAGED


def test_a_zip_bomb_by_ratio_is_refused_from_the_directory_before_unpacking(libraries_untouched, monkeypatch):
    data = rezip(xlsx_bytes(), add={"xl/media/padding.xml": b"<a/>" + b" " * (3 * 1024 * 1024)})
    assert len(data) < 100_000

    def no_unpacking(*args, **kwargs):
        raise AssertionError("a part was unpacked")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_unpacking)
    assert refused(data, "plan.xlsx") == (
        "The file is packed far more tightly than a real document, so it will not be opened"
    )


def test_a_zip_bomb_by_total_size_is_refused_from_the_directory_before_unpacking(libraries_untouched, monkeypatch):
    # The directory claims a part unpacks to 200 MB (a small part whose recorded size was changed).
    data = bytearray(rezip(xlsx_bytes(), compression=zipfile.ZIP_STORED))
    at = data.find(b"PK\x01\x02")
    struct.pack_into("<II", data, at + 20, 200 * 1024 * 1024, 200 * 1024 * 1024)  # packed, unpacked sizes
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: pytest.fail("a part was unpacked"))
    assert refused(bytes(data), "plan.xlsx") == "The file unpacks to more than 100 MB, so it will not be opened"


def test_what_is_really_unpacked_is_counted_against_the_limit():
    data = rezip(xlsx_bytes(), add={"xl/notes.xml": b"<a>" + b"x" * 200_000 + b"</a>"})
    archive = zipfile.ZipFile(io.BytesIO(data))
    budget = [100_000]
    with pytest.raises(ImportFileError) as exc:
        files.read_part(archive, archive.getinfo("xl/notes.xml"), budget=budget)
    assert str(exc.value) == files.UNPACKS_TOO_LARGE.format(mb=100)
    budget = [1_000_000]
    assert files.read_part(archive, archive.getinfo("xl/notes.xml"), budget=budget).startswith(b"<a>xxx")
    assert budget == [1_000_000 - 200_007]


def test_a_zip_of_thousands_of_parts_is_refused(libraries_untouched):
    data = rezip(xlsx_bytes(), add={f"xl/x{index}.bin": b"" for index in range(5_001)}, compression=zipfile.ZIP_STORED)
    assert refused(data, "plan.xlsx") == "The file has too many parts to be a plan, so it will not be opened"


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
)


def test_xml_with_entity_declarations_in_a_workbook_is_refused(libraries_untouched):
    data = rezip(xlsx_bytes(), replace={"xl/worksheets/sheet1.xml": BILLION_LAUGHS})
    assert refused(data, "plan.xlsx") == (
        "The file contains XML declarations (DOCTYPE or ENTITY) that Word and Excel never write"
    )


def test_xml_with_a_doctype_in_a_word_document_is_refused_also_in_utf16(libraries_untouched):
    original = docx_bytes()
    document = zipfile.ZipFile(io.BytesIO(original)).read("word/document.xml").decode("utf-8")
    hostile = document.replace("?>", '?><!DOCTYPE w:document SYSTEM "file:///etc/passwd">', 1)
    assert refused(rezip(original, replace={"word/document.xml": hostile.encode()}), "plan.docx") == (
        files.XML_DECLARATIONS
    )
    utf16 = hostile.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert refused(rezip(original, replace={"word/document.xml": utf16}), "plan.docx") == files.XML_DECLARATIONS


def test_a_declaration_split_across_read_chunks_is_found(libraries_untouched):
    start = BILLION_LAUGHS.index(b"<!DOCTYPE")
    padding = b"<!--" + b"p" * (files._CHUNK - 4 - start - 7) + b"-->"
    sheet = BILLION_LAUGHS[:start] + padding + BILLION_LAUGHS[start:]
    assert sheet.index(b"<!DOCTYPE") == files._CHUNK - 4  # "<!DO" ends the first chunk read
    data = rezip(xlsx_bytes(), replace={"xl/worksheets/sheet1.xml": sheet})
    assert refused(data, "plan.xlsx") == files.XML_DECLARATIONS


def test_more_than_5000_rows_in_a_workbook_are_refused():
    rows = [("Objective", "Lead")] + [(f"Objective {n}", "Police") for n in range(5_000)]
    assert refused(xlsx_bytes(rows), "plan.xlsx") == "The file has more than 5,000 rows; split it into smaller files"


def test_5000_rows_with_content_are_read_and_empty_rows_do_not_count():
    rows = [("Objective", "Lead")] + [(f"Objective {n}", "Police") for n in range(4_999)]

    def far_away(workbook):
        workbook.active.cell(row=900_000, column=1).value = None
        workbook.active.cell(row=900_000, column=1).style = "Good"  # a formatted empty cell far down

    [table] = read_tables(io.BytesIO(xlsx_bytes(rows, setup=far_away)), filename="plan.xlsx")
    assert len(table.rows) == 5_000
    assert table.row_numbers[-1] == 5_000


def test_more_than_5000_rows_across_word_tables_are_refused():
    def build(document):
        for number in range(2):
            table = document.add_table(rows=1, cols=2)
            row = table.rows[0]._tr
            for _ in range(2_500):
                row.addnext(copy.deepcopy(row))
            for index, row in enumerate(table.rows):  # different text in each row, as in a real plan
                row.cells[0].text, row.cells[1].text = f"Objective {number}.{index}", f"Lead {index * 7919 % 1000}"

    assert refused(docx_bytes(build), "plan.docx") == files.TOO_MANY_ROWS.format(rows=5_000)


def test_more_than_100_columns_are_refused():
    rows = [[f"Column {n}" for n in range(1, 102)]]
    assert refused(xlsx_bytes(rows), "plan.xlsx") == (
        "Sheet 'Plan' has more than 100 columns; remove the columns the plan does not use"
    )


def test_a_workbook_of_more_than_a_million_cells_is_refused_before_openpyxl_reads_it(libraries_untouched):
    cells = b"<c/>" * 1_000_001
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
        + cells
        + b"</row></sheetData></worksheet>"
    )
    data = rezip(xlsx_bytes(), replace={"xl/worksheets/sheet1.xml": sheet}, compression=zipfile.ZIP_STORED)
    assert refused(data, "plan.xlsx") == "The workbook has more than 1,000,000 cells; split it into smaller files"


def test_a_word_document_without_a_table_is_refused():
    def build(document):
        document.add_heading("Community safety plan", 0)
        document.add_paragraph("No table here.")

    assert refused(docx_bytes(build), "plan.docx") == "The file has no table"


def test_a_word_document_whose_tables_are_empty_is_refused():
    def build(document):
        document.add_table(rows=3, cols=3)

    assert refused(docx_bytes(build), "plan.docx") == "The file has no table"


def test_an_empty_sheet_is_refused():
    assert refused(xlsx_bytes(rows=()), "plan.xlsx") == "The sheet is empty"


def test_a_workbook_whose_sheets_are_all_empty_is_refused():
    def more(workbook):
        workbook.create_sheet("Other")["C3"] = "   "

    assert refused(xlsx_bytes(rows=(), setup=more), "plan.xlsx") == "Every sheet of the workbook is empty"


def test_a_word_document_named_xlsx_is_refused_as_a_mismatch(libraries_untouched):
    assert refused(docx_bytes(), "plan.xlsx") == (
        "The file's name ends in .xlsx but it is a Word document; correct the name or save it again as .xlsx"
    )


def test_a_workbook_named_docx_is_refused_as_a_mismatch(libraries_untouched):
    assert refused(xlsx_bytes(), "plan.docx") == (
        "The file's name ends in .docx but it is an Excel workbook; correct the name or save it again as .docx"
    )


@pytest.mark.parametrize("name", ["plan.csv", "plan", "plan.zip", "plan.xlsx.exe"])
def test_other_endings_are_refused(libraries_untouched, name):
    assert refused(xlsx_bytes(), name) == "The file must be a Word document (.docx) or an Excel workbook (.xlsx)"


def test_a_zip_that_is_neither_word_nor_excel_is_refused(libraries_untouched):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    assert refused(buffer.getvalue(), "plan.docx") == files.NOT_OFFICE


def test_a_package_whose_workbook_part_is_garbage_is_refused_as_damaged():
    data = rezip(xlsx_bytes(), replace={"xl/workbook.xml": b"<not-a-workbook>"})
    assert refused(data, "plan.xlsx") == files.DAMAGED


# --- Workbooks -------------------------------------------------------------------------------


def test_a_workbook_is_read_with_merged_cells_formulas_dates_and_numbers():
    rows = [
        ("Priority", "Objective", "By when", "Cost", "Total", None, None),
        ("Domestic abuse", "Reduce repeat victims", dt.datetime(2015, 3, 31), 1200.0, "=SUM(D2:D3)"),
        (None, "Train staff", dt.date(2015, 6, 30), 12.5, None, None),
        (),
        (None, None, None, None, None),
        ("ASB", "Fewer fires", "Q4 2014/15", 7, True),
    ]

    def setup(workbook):
        sheet = workbook.active
        sheet.merge_cells("A2:A3")
        sheet["F9"].style = "Good"  # formatted but empty: no column
        sheet["B7"] = "  Line one\r\nLine two  "

    [table] = read_tables(io.BytesIO(xlsx_bytes(rows, setup=setup)), filename="Plan.XLSX")
    assert table == RawTable(
        source="Sheet 'Plan'",
        rows=[
            ["Priority", "Objective", "By when", "Cost", "Total"],
            ["Domestic abuse", "Reduce repeat victims", "2015-03-31", "1200", "=SUM(D2:D3)"],
            ["Domestic abuse", "Train staff", "2015-06-30", "12.5", ""],
            ["ASB", "Fewer fires", "Q4 2014/15", "7", "TRUE"],
            ["", "Line one\nLine two", "", "", ""],
        ],
        row_numbers=[1, 2, 3, 6, 7],
    )


def test_a_horizontal_merge_repeats_the_text_and_a_formula_is_never_evaluated():
    def setup(workbook):
        sheet = workbook.active
        sheet["A1"], sheet["D1"] = "Community safety plan 2014/15", "x"
        sheet.merge_cells("A1:C1")
        sheet["A2"], sheet["B2"] = '=HYPERLINK("http://example.invalid","x")', "=1/0"
        sheet["C2"] = "=A2&B2"

    [table] = read_tables(io.BytesIO(xlsx_bytes(rows=(), setup=setup)), filename="plan.xlsx")
    assert table.rows == [
        ["Community safety plan 2014/15"] * 3 + ["x"],
        ['=HYPERLINK("http://example.invalid","x")', "=1/0", "=A2&B2", ""],
    ]


def test_every_sheet_with_content_is_a_table_and_empty_sheets_are_skipped():
    def setup(workbook):
        workbook.create_sheet("Empty")
        other = workbook.create_sheet("About")
        other["B2"], other["C2"] = "Title", "Stevenage plan"

    tables = read_tables(io.BytesIO(xlsx_bytes(setup=setup)), filename="plan.xlsx")
    assert [t.source for t in tables] == ["Sheet 'Plan'", "Sheet 'About'"]
    assert tables[1].rows == [["", "Title", "Stevenage plan"]]
    assert tables[1].row_numbers == [2]
    assert tables[1].headings_before == []


def test_cell_values_become_text():
    assert files.cell_text(3.0) == "3"
    assert files.cell_text(0.1) == "0.1"
    assert files.cell_text(1234567.25) == "1234567.25"
    assert files.cell_text(dt.datetime(2015, 3, 31, 14, 30)) == "2015-03-31 14:30"
    assert files.cell_text(dt.time(9, 5)) == "09:05"
    assert files.cell_text(False) == "FALSE"
    assert files.cell_text(None) == ""


def test_a_django_upload_and_an_open_file_are_both_read(tmp_path):
    data = xlsx_bytes()
    upload = SimpleUploadedFile("plan.xlsx", data)
    upload.read(10)  # already partly read: the reader starts from the beginning
    assert read_tables(upload, filename=upload.name)[0].rows == [["Objective", "Lead"], ["Reduce harm", "Police"]]
    path = tmp_path / "plan.docx"
    path.write_bytes(docx_bytes())
    with path.open("rb") as handle:
        assert read_tables(handle, filename=path.name)[0].rows == [["Objective", "Lead"], ["Reduce harm", "Police"]]


# --- Word documents ----------------------------------------------------------------------------


def test_word_tables_are_read_with_bullets_merges_headings_and_nested_tables():
    def build(document):
        document.add_heading("Stevenage Community Safety Plan 2014/15", 0)
        document.add_paragraph("Some introduction that is not a heading.")
        document.add_heading("Priority 1: Domestic abuse", 1)
        document.add_paragraph("Our aims this year.")
        first = document.add_table(rows=4, cols=4)
        for column, heading in enumerate(["Objective", "Actions", "Lead", "By when"]):
            first.cell(0, column).text = heading
        first.cell(1, 0).text = "Reduce repeat victims"
        actions = first.cell(1, 1)
        actions.text = "Work with partners:"
        actions.add_paragraph("Set up MARAC", style="List Bullet")
        actions.add_paragraph("Train staff", style="List Number")
        actions.add_paragraph("")
        first.cell(1, 2).merge(first.cell(3, 2)).text = "Police"  # vertical merge over three rows
        first.cell(1, 3).text = "March 2015"
        first.cell(2, 0).merge(first.cell(2, 1)).text = "Spans two columns"  # gridSpan
        first.cell(3, 0).text = "Third objective"
        nested = first.cell(3, 1).add_table(rows=2, cols=2)
        nested.cell(0, 0).text, nested.cell(0, 1).text = "Milestone", "Date"
        nested.cell(1, 0).text, nested.cell(1, 1).text = "Launch", "June 2014"

        paragraph = document.add_paragraph()
        paragraph.add_run("Priority 2: ").bold = True
        paragraph.add_run("Anti-social behaviour").bold = True
        second = document.add_table(rows=2, cols=2)
        second.cell(0, 0).text, second.cell(0, 1).text = "Objective", "Lead"
        second.cell(1, 0).text, second.cell(1, 1).text = "Fewer fires", "Fire service"
        third = document.add_table(rows=1, cols=1)
        third.cell(0, 0).text = "Continued"

    first, second, third = read_tables(io.BytesIO(docx_bytes(build)), filename="plan.docx")
    assert first.source == "Table 1"
    assert first.headings_before == ["Stevenage Community Safety Plan 2014/15", "Priority 1: Domestic abuse"]
    assert first.rows == [
        ["Objective", "Actions", "Lead", "By when"],
        ["Reduce repeat victims", "Work with partners:\n• Set up MARAC\n• Train staff", "Police", "March 2015"],
        ["Spans two columns", "Spans two columns", "Police", ""],
        # the cell's own (empty) first paragraph, then the nested table's rows
        ["Third objective", "\nMilestone | Date\nLaunch | June 2014", "Police", ""],
    ]
    assert first.row_numbers == [1, 2, 3, 4]
    assert second.source == "Table 2"
    assert second.headings_before == ["Priority 2: Anti-social behaviour"]
    assert second.rows == [["Objective", "Lead"], ["Fewer fires", "Fire service"]]
    assert third.headings_before == []


def test_numbered_paragraphs_and_empty_rows_and_columns_in_word():
    numbering = f'<w:pPr {nsdecls("w")}><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'

    def build(document):
        table = document.add_table(rows=4, cols=3)
        table.cell(0, 0).text = "Milestones"
        cell = table.cell(2, 0)
        cell.text = "Agree the plan"
        cell.paragraphs[0]._p.insert(0, parse_xml(numbering))
        cell.add_paragraph("• already has a bullet", style="List Bullet")

    [table] = read_tables(io.BytesIO(docx_bytes(build)), filename="plan.docx")
    assert table.rows == [["Milestones"], ["• Agree the plan\n• already has a bullet"]]
    assert table.row_numbers == [1, 3]


def test_a_word_row_of_only_merged_continuations_is_not_a_row():
    def build(document):
        table = document.add_table(rows=3, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "Priority", "Objective"
        table.cell(1, 0).merge(table.cell(2, 0)).text = "Domestic abuse"
        table.cell(1, 1).text = "Reduce harm"

    [table] = read_tables(io.BytesIO(docx_bytes(build)), filename="plan.docx")
    assert table.rows == [["Priority", "Objective"], ["Domestic abuse", "Reduce harm"]]
    assert table.row_numbers == [1, 2]


def test_a_huge_grid_span_in_word_is_refused_without_building_the_row():
    def build(document):
        table = document.add_table(rows=1, cols=1)
        table.cell(0, 0).text = "Wide"
        properties = table.cell(0, 0)._tc.get_or_add_tcPr()
        span = parse_xml(f'<w:gridSpan {nsdecls("w")} w:val="100000000"/>')
        properties.append(span)
        assert properties.find(qn("w:gridSpan")) is not None

    assert refused(docx_bytes(build), "plan.docx") == files.TOO_MANY_COLUMNS.format(source="Table 1", columns=100)


def test_tracked_changes_in_word_read_as_the_document_now_reads():
    def build(document):
        table = document.add_table(rows=1, cols=1)
        paragraph = table.cell(0, 0).paragraphs[0]
        paragraph.add_run("Reduce ")
        paragraph._p.append(
            parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="A"><w:r><w:delText>old </w:delText></w:r></w:del>')
        )
        paragraph._p.append(
            parse_xml(f'<w:moveFrom {nsdecls("w")} w:id="2" w:author="A"><w:r><w:t>moved </w:t></w:r></w:moveFrom>')
        )
        inserted = f'<w:ins {nsdecls("w")} w:id="3" w:author="A"><w:r><w:t>harm</w:t></w:r></w:ins>'
        paragraph._p.append(parse_xml(inserted))

    [table] = read_tables(io.BytesIO(docx_bytes(build)), filename="plan.docx")
    assert table.rows == [["Reduce harm"]]


def test_a_small_word_file_packed_with_a_million_elements_is_refused_before_python_docx_builds_it(
    libraries_untouched,
):
    original = docx_bytes()
    document = zipfile.ZipFile(io.BytesIO(original)).read("word/document.xml").decode()
    filler = "".join(f"<w:p><w:r><w:t>{n}</w:t></w:r></w:p>" for n in range(340_000))  # 3 elements each
    data = rezip(original, replace={"word/document.xml": document.replace("<w:body>", "<w:body>" + filler, 1)})
    assert len(data) < 5 * 1024 * 1024
    assert refused(data, "plan.docx") == (
        "The file holds too much text and formatting to be read as one plan; split it into smaller files"
    )


def test_headings_are_looked_for_among_the_30_paragraphs_before_a_table():
    def build(document):
        document.add_heading("Priority 1: Far away", 1)
        for n in range(30):
            document.add_paragraph(f"Paragraph {n}")
        document.add_table(rows=1, cols=1).cell(0, 0).text = "First"
        document.add_heading("Priority 2: Near", 1)
        for n in range(29):
            document.add_paragraph(f"Paragraph {n}")
        document.add_table(rows=1, cols=1).cell(0, 0).text = "Second"

    first, second = read_tables(io.BytesIO(docx_bytes(build)), filename="plan.docx")
    assert first.headings_before == []
    assert second.headings_before == ["Priority 2: Near"]


def test_a_workbook_of_more_than_a_million_shared_strings_is_refused_before_openpyxl_reads_it(libraries_untouched):
    strings = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + b"<si/>" * 1_000_001 + b"</sst>"
    )
    original = xlsx_bytes()
    types = zipfile.ZipFile(io.BytesIO(original)).read("[Content_Types].xml")
    override = (
        b'<Override PartName="/xl/sharedStrings.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    data = rezip(
        original,
        replace={"[Content_Types].xml": types.replace(b"</Types>", override)},
        add={"xl/sharedStrings.xml": strings},
        compression=zipfile.ZIP_STORED,
    )
    assert refused(data, "plan.xlsx") == files.TOO_MANY_CELLS.format(cells=1_000_000)


def test_docs_list_every_message():
    from pathlib import Path

    page = (Path(__file__).resolve().parents[3] / "docs" / "import.md").read_text()
    messages = [
        files.EMPTY,
        files.TOO_LARGE.format(mb=20),
        files.NOT_OFFICE,
        files.WRONG_ENDING,
        files.PDF,
        files.OLD_WORD,
        files.OLD_EXCEL,
        files.OLD_OFFICE,
        files.PASSWORD,
        files.MACROS,
        files.DAMAGED,
        files.STRICT,
        files.UNPACKS_TOO_LARGE.format(mb=100),
        files.TOO_COMPRESSED,
        files.TOO_MANY_PARTS,
        files.XML_DECLARATIONS,
        files.MISMATCH.format(ending=".xlsx", actual="a Word document"),
        files.TOO_MANY_ROWS.format(rows=5_000),
        files.TOO_MANY_COLUMNS.format(source="Sheet 'Plan'", columns=100),
        files.TOO_MANY_CELLS.format(cells=1_000_000),
        files.TOO_COMPLEX,
        files.NO_TABLE,
        files.SHEET_EMPTY,
        files.SHEETS_EMPTY,
    ]
    assert [message for message in messages if f"| {message} |" not in page] == []


def test_a_pdf_behind_a_little_junk_is_still_named_a_pdf(libraries_untouched):
    assert refused(b"\xef\xbb\xbfjunk\r\n%PDF-1.4\n1 0 obj", "plan.docx") == files.PDF


def test_a_merged_range_excel_never_writes_is_refused_as_damaged_not_an_error_page():
    def setup(workbook):
        sheet = workbook.active
        sheet["A1"], sheet["B1"], sheet["B2"] = "Domestic abuse", "One", "Two"
        sheet.merge_cells("A1:A2")

    data = xlsx_bytes(rows=(), setup=setup)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b'ref="A1:A2"' in sheet
    data = rezip(data, replace={"xl/worksheets/sheet1.xml": sheet.replace(b'ref="A1:A2"', b'ref="A:A"')})
    assert refused(data, "plan.xlsx") == files.DAMAGED


def test_xml_parts_are_found_by_their_content_type_not_their_name(libraries_untouched):
    original = docx_bytes()
    types = zipfile.ZipFile(io.BytesIO(original)).read("[Content_Types].xml")
    types = types.replace(b"</Types>", b'<Override PartName="/word/custom.dat" ContentType="application/xml"/></Types>')
    hostile = b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    data = rezip(original, replace={"[Content_Types].xml": types}, add={"word/custom.dat": hostile})
    assert refused(data, "plan.docx") == files.XML_DECLARATIONS


def test_a_picture_with_a_doctype_is_not_parsed_so_not_refused():
    svg = b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd"><svg/>'
    original = docx_bytes()
    types = zipfile.ZipFile(io.BytesIO(original)).read("[Content_Types].xml")
    types = types.replace(b"</Types>", b'<Default Extension="svg" ContentType="image/svg+xml"/></Types>')
    data = rezip(original, replace={"[Content_Types].xml": types}, add={"word/media/image1.svg": svg})
    assert read_tables(io.BytesIO(data), filename="plan.docx")[0].rows[1] == ["Reduce harm", "Police"]


def test_a_word_cell_keeps_its_empty_first_line_as_a_workbook_cell_does():
    def build(document):
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "Milestones", "Milestone dates"
        milestones = table.cell(1, 0)
        milestones.text = "Agree the plan"
        milestones.add_paragraph("Launch")
        dates = table.cell(1, 1)  # the first milestone has no date
        dates.add_paragraph("June 2014")
        dates.add_paragraph("")

    [table] = read_tables(io.BytesIO(docx_bytes(build)), filename="plan.docx")
    assert table.rows[1] == ["Agree the plan\nLaunch", "\nJune 2014"]
    assert files.cell_text("\nJune 2014\n") == "\nJune 2014"


def _strict(data: bytes) -> bytes:
    """The package as Word or Excel save it in "Strict Open XML" (ISO 29500 namespaces)."""
    pairs = [
        (
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        ),
        (
            b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        ),
        (
            b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
            b"http://purl.oclc.org/ooxml/wordprocessingml/main",
        ),
    ]
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {}
    for name in source.namelist():
        content = source.read(name)
        for old, new in pairs:
            content = content.replace(old, new)
        parts[name] = content
    return rezip(data, replace=parts)


@pytest.mark.parametrize(("build", "name"), [(xlsx_bytes, "plan.xlsx"), (docx_bytes, "plan.docx")])
def test_a_strict_open_xml_file_is_refused_with_how_to_save_it(libraries_untouched, build, name):
    assert refused(_strict(build()), name) == (
        "The file is saved as Strict Open XML; save it again as an ordinary Word document (.docx) or Excel workbook"
        " (.xlsx)"
    )
