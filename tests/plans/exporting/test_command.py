"""`manage.py export_plan`: both formats, the type from the extension, errors with their exit codes."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from docx import Document
from openpyxl import load_workbook

from .small_plan import small_plan

pytestmark = pytest.mark.django_db


def test_writes_an_xlsx(tmp_path):
    world = small_plan()
    out = tmp_path / "plan.xlsx"
    stdout = StringIO()
    call_command("export_plan", "--plan", str(world.plan.pk), "--out", str(out), stdout=stdout)
    workbook = load_workbook(io.BytesIO(out.read_bytes()))
    assert [row[3].value for row in workbook["Plan"].iter_rows(min_row=2)] == ["1.1", "2.1", "2.2"]
    assert stdout.getvalue().startswith("Wrote Action plan 2014/15 (Stevenage Community Safety Partnership) to ")


def test_writes_a_docx_whatever_the_case_of_the_extension(tmp_path):
    world = small_plan()
    out = tmp_path / "plan.DOCX"
    call_command("export_plan", "--plan", str(world.plan.pk), "--out", str(out), stdout=StringIO())
    document = Document(io.BytesIO(out.read_bytes()))
    assert document.paragraphs[0].text == "Action plan 2014/15"
    assert len(document.tables) == 2


def test_an_unknown_extension_is_refused_with_exit_code_1(tmp_path):
    world = small_plan()
    with pytest.raises(CommandError, match=r"Cannot tell the file type from 'plan.pdf': name it .xlsx or .docx.") as e:
        call_command("export_plan", "--plan", str(world.plan.pk), "--out", str(tmp_path / "plan.pdf"))
    assert e.value.returncode == 1
    assert not (tmp_path / "plan.pdf").exists()


def test_a_missing_plan_is_refused_with_exit_code_2(tmp_path):
    with pytest.raises(CommandError, match=r"There is no plan 999999.") as e:
        call_command("export_plan", "--plan", "999999", "--out", str(tmp_path / "plan.xlsx"))
    assert e.value.returncode == 2
    assert not (tmp_path / "plan.xlsx").exists()


@pytest.mark.parametrize(("name", "code", "message"), [("x.pdf", 1, "name it .xlsx"), ("x.xlsx", 2, "no plan")])
def test_the_exit_codes_from_the_command_line(tmp_path, capsys, name, code, message):
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "export_plan", "--plan", "999999", "--out", str(tmp_path / name)])
    assert exit_info.value.code == code
    assert message in capsys.readouterr().err
