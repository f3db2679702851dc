"""A partnership member downloads a plan as Excel and as Word from the plan page in Chromium; axe on the pages."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.factories import MembershipFactory
from tests.plans.exporting.small_plan import small_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _accessible(axe_violations, where: str) -> None:
    violations = axe_violations()
    assert violations == [], f"{where}: " + "; ".join(f"{v['id']}: {v['help']}" for v in violations)


def _download(page, name: str, tmp_path):
    with page.expect_download() as download_info:
        page.get_by_role("link", name=name).click()
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return download.suggested_filename, path.read_bytes()


def test_a_viewer_downloads_the_plan_as_excel_and_word(page, sign_in, screenshot, axe_violations, tmp_path):
    world = small_plan()
    viewer = MembershipFactory(partnership=world.plan.partnership, roles=("viewer",)).user
    sign_in(viewer)
    page.goto(f"/plans/{world.plan.pk}/")
    page.wait_for_load_state()
    screenshot("export-plan-page")
    _accessible(axe_violations, "plan page with downloads")

    name, content = _download(page, "Download as Excel", tmp_path)
    assert name == "action-plan-201415.xlsx"
    workbook = load_workbook(io.BytesIO(content))
    assert [row[3].value for row in workbook["Plan"].iter_rows(min_row=2)] == ["1.1", "2.1", "2.2"]

    name, content = _download(page, "Download as Word", tmp_path)
    assert name == "action-plan-201415.docx"
    document = Document(io.BytesIO(content))
    assert document.paragraphs[0].text == "Action plan 2014/15"
    assert len(document.tables) == 2


def test_an_unknown_format_shows_the_error_page(page, sign_in, screenshot, axe_violations):
    world = small_plan()
    sign_in(MembershipFactory(partnership=world.plan.partnership, roles=("viewer",)).user)
    response = page.goto(f"/plans/{world.plan.pk}/export/?format=pdf")
    assert response.status == 400
    expect(page.get_by_role("heading", name="Sorry, there is a problem with your request")).to_be_visible()
    screenshot("export-unknown-format")
    _accessible(axe_violations, "unknown export format")
