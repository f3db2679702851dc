"""A coordinator imports a Word plan and an Excel plan in Chromium: upload, check the columns (correcting one
the importer did not recognise), preview, create, then open the plan and find its objectives, leads and
milestones; axe on every page, screenshots for a person to look at."""

from __future__ import annotations

import io
import re

import docx
import openpyxl
import pytest
from playwright.sync_api import expect

from plans.models import Objective, Plan, PlanImport
from tests.factories import MembershipFactory, PartnershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STEVENAGE_ROWS = [
    (
        "DA1",
        "Raise awareness of domestic abuse services across the town",
        "Stevenage Borough Council",
        ["Awareness campaign designed", "Campaign run in the town centre"],
        ["30/06/2014", "30/11/2014"],
    ),
    (
        "DA2",
        "Train frontline staff to recognise coercive control",
        "Hertfordshire Constabulary",
        ["Training programme agreed", "200 staff trained"],
        ["31/07/2014", "31/03/2015"],
    ),
]
EAST_HERTS_ROWS = [
    ("1", "Reduce alcohol-related disorder in Hertford town centre", "Hertfordshire Constabulary", "March 2009", "500"),
    ("2", "Run a Pubwatch scheme with licensed premises", "East Herts District Council", "Quarterly", "TBC"),
    ("3", "Divert young people from anti-social behaviour", "Hertfordshire Fire and Rescue Service", "Summer 2008", ""),
]


def _accessible(axe_violations, where: str) -> None:
    violations = axe_violations()
    assert violations == [], f"{where}: " + "; ".join(f"{v['id']}: {v['help']}" for v in violations)


def _word_plan(path) -> None:
    document = docx.Document()
    document.add_heading("Stevenage Community Safety Action Plan 2014/15", level=1)
    document.add_paragraph("Priority 1: Domestic abuse")
    table = document.add_table(rows=1, cols=5)
    headings = ["Ref", "Objective", "Lead", "Milestones", "Completion date"]
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.text = heading
    for ref, title, lead, milestones, dates in STEVENAGE_ROWS:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = ref, title, lead
        first = cells[3].paragraphs[0]
        first.text = milestones[0]
        first.style = document.styles["List Bullet"]
        for milestone in milestones[1:]:
            cells[3].add_paragraph(milestone, style="List Bullet")
        cells[4].text = "\n".join(dates)
    document.save(path)


def _excel_plan(path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Action plan 2008-09"
    sheet.append(["Action No.", "Action", "Who's doing it", "Target date", "Cost (£)"])
    for row in EAST_HERTS_ROWS:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    path.write_bytes(out.getvalue())


@pytest.fixture
def coordinator(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    partnership = PartnershipFactory(name="Stevenage Community Safety Partnership", short_name="SoSafe")
    return MembershipFactory(partnership=partnership, roles=("coordinator",)).user


def _upload(page, path, *, title: str = "") -> None:
    page.goto("/plans/manage/")
    page.get_by_role("link", name="Import a plan from Word or Excel").click()
    page.wait_for_load_state()
    page.get_by_label("Upload the plan").set_input_files(str(path))
    if title:
        page.get_by_label("Plan title (optional)").fill(title)
    page.get_by_role("button", name="Upload and continue").click()
    page.wait_for_load_state()


def test_a_coordinator_imports_a_word_plan_and_finds_its_milestones(
    page, sign_in, screenshot, axe_violations, coordinator, tmp_path
):
    path = tmp_path / "stevenage-action-plan-2014-15.docx"
    _word_plan(path)
    sign_in(coordinator)

    page.get_by_role("link", name="Manage plans").click()
    page.get_by_role("link", name="Import a plan from Word or Excel").click()
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a Word (.docx) or Excel (.xlsx) file")
    screenshot("import-upload-error")
    _accessible(axe_violations, "upload with an error")

    _upload(page, path)
    expect(page.get_by_role("heading", name="Check what each column holds")).to_be_visible()
    expect(page.get_by_label("What Column D: Milestones holds")).to_have_value("milestones")
    screenshot("import-columns-word")
    _accessible(axe_violations, "columns of the Word plan")
    page.get_by_role("button", name="Save and check the plan").click()
    page.wait_for_load_state()

    expect(page.get_by_role("heading", name="Check the plan before importing")).to_be_visible()
    preview = page.locator("main")
    expect(preview).to_contain_text("Campaign run in the town centre")
    expect(preview).to_contain_text("30 Nov 2014")
    expect(preview).to_contain_text("Stevenage Borough Council")
    assert not Plan.objects.exists()
    screenshot("import-preview-word")
    _accessible(axe_violations, "preview of the Word plan")

    page.get_by_role("button", name="Create the plan").click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Plan imported: 2 objectives")
    plan = Plan.objects.get()
    assert page.url.endswith(f"/plans/{plan.pk}/edit/")
    screenshot("import-done-word")
    _accessible(axe_violations, "plan editor after the import")

    objective = Objective.objects.get(plan=plan, ref="DA1")
    page.goto(f"/plans/objectives/{objective.pk}/")
    main = page.locator("main")
    expect(main).to_contain_text("Raise awareness of domestic abuse services")
    expect(main).to_contain_text("Stevenage Borough Council")
    expect(main).to_contain_text("Awareness campaign designed")
    expect(main).to_contain_text("Campaign run in the town centre")
    screenshot("import-objective-word")
    _accessible(axe_violations, "imported objective")


def test_a_coordinator_imports_an_excel_plan_choosing_the_lead_column(
    page, sign_in, screenshot, axe_violations, coordinator, tmp_path
):
    path = tmp_path / "east-herts-action-plan-2008-09.xlsx"
    _excel_plan(path)
    sign_in(coordinator)
    _upload(page, path, title="East Herts action plan 2008/09")

    # "Who's doing it" is not a heading the importer knows: the coordinator says it holds the lead.
    who = page.get_by_label("What Column C: Who's doing it holds")
    expect(who).to_have_value("")
    screenshot("import-columns-excel")
    _accessible(axe_violations, "columns of the Excel plan")
    page.get_by_role("button", name="Save and check the plan").click()
    page.wait_for_load_state()
    expect(page.locator("main")).not_to_contain_text("East Herts District Council")
    page.get_by_role("link", name="Change column mapping").first.click()
    page.get_by_label("What Column C: Who's doing it holds").select_option(label="Lead")
    page.get_by_role("button", name="Save and check the plan").click()
    page.wait_for_load_state()

    main = page.locator("main")
    for _, title, lead, _, _ in EAST_HERTS_ROWS:
        expect(main).to_contain_text(title)
        expect(main).to_contain_text(lead)
    expect(main).to_contain_text("£500")
    screenshot("import-preview-excel")
    _accessible(axe_violations, "preview of the Excel plan")

    page.get_by_role("button", name="Create the plan").click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Plan imported: 3 objectives")
    plan = Plan.objects.get(title="East Herts action plan 2008/09")
    assert PlanImport.objects.get().plan == plan
    page.goto("/plans/import/")
    expect(page.get_by_role("table", name="Recent imports")).to_contain_text("east-herts-action-plan-2008-09.xlsx")
    screenshot("import-start-recent")
    _accessible(axe_violations, "upload page with recent imports")
    page.goto(f"/plans/{plan.pk}/")
    main = page.locator("main")
    for _, title, lead, _, _ in EAST_HERTS_ROWS:
        expect(main).to_contain_text(re.compile(re.escape(title[:40])))
        expect(main).to_contain_text(lead)
    screenshot("import-plan-excel")
    _accessible(axe_violations, "imported plan page")


def test_a_refused_file_and_a_faulty_row_are_explained_where_they_are(
    page, sign_in, screenshot, axe_violations, coordinator, tmp_path
):
    sign_in(coordinator)
    disguised = tmp_path / "plan.docx"
    disguised.write_bytes(b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer\n%%EOF\n")
    _upload(page, disguised)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    message = summary.locator("a").first.inner_text()
    expect(page.locator(".govuk-form-group--error .govuk-error-message")).to_contain_text(message)
    screenshot("import-upload-refused")
    _accessible(axe_violations, "refused file")
    assert not PlanImport.objects.exists()

    faulty = tmp_path / "faulty.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["Ref", "Objective", "Lead", "By when"])
    workbook.active.append(
        ["1.1", "Reduce repeat victims of domestic abuse", "Stevenage Borough Council", "March 2015"]
    )
    workbook.active.append(["1.2", "", "Hertfordshire Constabulary", "March 2015"])
    workbook.save(faulty)
    _upload(page, faulty)
    objective_column = page.get_by_label("What Column B: Objective holds")
    objective_column.select_option(label="Ignore this column")
    page.get_by_role("button", name="Save and check the plan").click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the column that holds the objectives")
    screenshot("import-columns-error")
    _accessible(axe_violations, "columns with an error")
    page.get_by_label("What Column B: Objective holds").select_option(label="Objective")
    page.get_by_role("button", name="Save and check the plan").click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Row 3")
    page.locator(".govuk-error-summary a").first.click()
    expect(page.locator("#row-1 .govuk-error-message")).to_be_visible()
    expect(page.get_by_role("button", name="Create the plan")).to_have_count(0)
    screenshot("import-preview-errors")
    _accessible(axe_violations, "preview with a faulty row")
    assert not Plan.objects.exists()
