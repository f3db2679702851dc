"""`manage.py import_plan FILE --partnership SLUG [--title] [--dry-run]`: files built here, read, parsed and stored."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from openpyxl import Workbook

from plans.importing.files import PDF
from plans.models import Milestone, Objective, ObjectiveLead, Plan
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

HEADINGS = ["Ref", "Objective", "Lead", "By when", "Milestones", "Completion date"]
ROWS = [
    [
        "1.1",
        "Raise awareness of domestic abuse services",
        "Stevenage Borough Council",
        "March 2015",
        "Campaign launched\nReview of the campaign",
        "November 2014\nMarch 2015",
    ],
    ["1.2", "Support victims at high risk", "Hertfordshire Constabulary", "Ongoing", "", ""],
]


def _xlsx(path: Path, rows: list[list[str]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Action plan 2014-15"
    for row in [HEADINGS, *rows]:
        sheet.append(row)
    workbook.save(path)
    return path


def _docx(path: Path, rows: list[list[str]]) -> Path:
    document = Document()
    document.add_heading("Action plan 2014/15", level=1)
    table = document.add_table(rows=1 + len(rows), cols=len(HEADINGS))
    for row_cells, values in zip(table.rows, [HEADINGS, *rows], strict=True):
        for cell, value in zip(row_cells.cells, values, strict=True):
            cell.text = value
    document.save(path)
    return path


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_plan", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def xlsx_file(tmp_path) -> Path:
    return _xlsx(tmp_path / "stevenage.xlsx", ROWS)


def test_an_excel_plan_is_imported_with_counts_one_per_line(partnership, xlsx_file):
    out, _ = _run(str(xlsx_file), "--partnership", partnership.slug, "--title", "Action plan 2014/15")

    plan = Plan.objects.get(partnership=partnership)
    lines = out.splitlines()
    assert "objectives: 2" in lines
    assert "milestones: 2" in lines
    assert lines[-1] == f"Imported plan {plan.pk}: Action plan 2014/15"
    assert (plan.status, plan.imported_from) == (Plan.Status.DRAFT, "stevenage.xlsx")
    assert plan.source_sha256 == hashlib.sha256(xlsx_file.read_bytes()).hexdigest()
    first = plan.objectives.get(ref="1.1")
    assert first.title == "Raise awareness of domestic abuse services"
    assert first.due_text == "March 2015"
    assert list(first.milestones.values_list("text", "due_text")) == [
        ("Campaign launched", "November 2014"),
        ("Review of the campaign", "March 2015"),
    ]
    assert [str(lead.agency) for lead in first.leads.all()] == ["Stevenage Borough Council"]


def test_a_word_plan_is_imported(partnership, tmp_path):
    path = _docx(tmp_path / "plan.docx", ROWS)

    out, _ = _run(str(path), "--partnership", partnership.slug, "--title", "Word plan")

    plan = Plan.objects.get(partnership=partnership)
    assert out.splitlines()[-1] == f"Imported plan {plan.pk}: Word plan"
    assert sorted(plan.objectives.values_list("ref", flat=True)) == ["1.1", "1.2"]
    assert Milestone.objects.filter(objective__plan=plan).count() == 2


def test_a_dry_run_prints_the_counts_and_writes_nothing(partnership, xlsx_file):
    out, _ = _run(str(xlsx_file), "--partnership", partnership.slug, "--dry-run")

    lines = out.splitlines()
    assert "objectives: 2" in lines
    assert lines[-1] == "Dry run: nothing written"
    assert not Plan.objects.exists()
    assert not Objective.objects.exists()


def test_rows_with_errors_are_printed_and_exit_1_writing_nothing(partnership, tmp_path):
    rows = [*ROWS, ["1.1", "The same reference again", "", "", "", ""]]
    path = _xlsx(tmp_path / "twice.xlsx", rows)

    with pytest.raises(CommandError) as excinfo:
        _run(str(path), "--partnership", partnership.slug)

    assert excinfo.value.returncode == 1
    assert not Plan.objects.exists()
    assert not ObjectiveLead.objects.exists()


def test_an_error_line_names_the_row(partnership, tmp_path, capsys):
    rows = [*ROWS, ["1.1", "The same reference again", "", "", "", ""]]
    path = _xlsx(tmp_path / "twice.xlsx", rows)
    out = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_plan", str(path), "--partnership", partnership.slug, stdout=out)

    assert any(line.startswith("Row 4: ") for line in out.getvalue().splitlines())


def test_a_refused_file_prints_why_and_exits_1(partnership, tmp_path):
    path = tmp_path / "plan.pdf"
    path.write_bytes(b"%PDF-1.4 not a plan")

    with pytest.raises(CommandError) as excinfo:
        _run(str(path), "--partnership", partnership.slug)

    assert excinfo.value.returncode == 1
    assert str(excinfo.value) == PDF
    assert not Plan.objects.exists()


def test_a_missing_file_exits_1(partnership, tmp_path):
    with pytest.raises(CommandError) as excinfo:
        _run(str(tmp_path / "nowhere.xlsx"), "--partnership", partnership.slug)

    assert excinfo.value.returncode == 1
    assert "Cannot read" in str(excinfo.value)


def test_an_unknown_partnership_exits_2(xlsx_file):
    PartnershipFactory(slug="stevenage")

    with pytest.raises(CommandError) as excinfo:
        _run(str(xlsx_file), "--partnership", "nowhere")

    assert excinfo.value.returncode == 2
    assert "nowhere" in str(excinfo.value)
    assert not Plan.objects.exists()


def test_the_same_file_again_prints_the_earlier_import_and_exits_0(partnership, xlsx_file):
    _run(str(xlsx_file), "--partnership", partnership.slug, "--title", "Action plan 2014/15")

    out, _ = _run(str(xlsx_file), "--partnership", partnership.slug, "--title", "Another title")

    assert out.startswith("This file was imported on ")
    assert out.strip().endswith(" as Action plan 2014/15")
    assert Plan.objects.count() == 1
