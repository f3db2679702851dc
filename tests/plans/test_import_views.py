"""The import pages through real requests: who may open each step, a refused file, the whole path with an
.xlsx and a .docx built here, a corrected column mapping, nothing written before confirm, one plan per
confirm however often it is posted, and a preview whose query count does not grow with the file."""

from __future__ import annotations

import io

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from csp.models import Role
from plans.exporting.excel import export_plan_xlsx
from plans.importing.drafts import ImportFileError
from plans.importing.files import read_tables
from plans.models import Objective, Plan, PlanImport
from plans.services.plan_imports import plan_import_upload
from tests.factories import (
    MembershipFactory,
    MilestoneFactory,
    ObjectiveFactory,
    PartnershipFactory,
    PlanFactory,
    SectionFactory,
)

ROLES = ("coordinator", "chair", "lead", "analyst", "viewer", "outsider", "anonymous")
# The import pages are the plan editor's: coordinators of the import's partnership only.
EXPECTED = {
    "coordinator": 200,
    "chair": 403,
    "lead": 403,
    "analyst": 403,
    "viewer": 403,
    "outsider": 404,
    "anonymous": 302,
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

OBJECTIVES = [
    ("1.1", "Reduce repeat victims of domestic abuse", "Stevenage Borough Council"),
    ("1.2", "Train frontline staff to spot coercive control", "Hertfordshire Constabulary"),
    ("2.1", "Hold a summer diversionary programme for young people", "Hertfordshire Fire and Rescue Service"),
]


def xlsx_bytes(rows: list[list[str]], headings=("Ref", "Objective", "Who's doing it", "By when")) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Action plan"
    sheet.append(list(headings))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def objective_rows(count: int) -> list[list[str]]:
    return [
        [f"{n + 1}.1", f"Objective number {n + 1} for the partnership", "Hertfordshire Constabulary", "March 2026"]
        for n in range(count)
    ]


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_heading("Stevenage Community Safety Action Plan 2014/15", level=1)
    table = document.add_table(rows=1, cols=5)
    for cell, heading in zip(
        table.rows[0].cells, ["Ref", "Objective", "Lead", "Milestones", "Completion date"], strict=False
    ):
        cell.text = heading
    for ref, title, lead in OBJECTIVES[:2]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = ref, title, lead
        cells[3].text = ""
        first = cells[3].paragraphs[0]
        first.text = f"Plan agreed for {ref}"
        first.style = document.styles["List Bullet"]
        cells[3].add_paragraph(f"Work finished for {ref}", style="List Bullet")
        cells[4].text = "30/06/2014\n31/03/2015"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(content: bytes, name: str, content_type: str = XLSX) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


class World:
    def __init__(self, make_member):
        self.partnership = PartnershipFactory()
        self.other = PartnershipFactory()
        self.users = {
            "coordinator": make_member(self.partnership, Role.COORDINATOR),
            "chair": make_member(self.partnership, Role.GROUP_CHAIR),
            "lead": make_member(self.partnership, Role.LEAD_OFFICER),
            "analyst": make_member(self.partnership, Role.ANALYST),
            "viewer": make_member(self.partnership, Role.VIEWER),
            "outsider": make_member(self.other, Role.COORDINATOR),
            "anonymous": None,
        }
        rows = [list(row) + ["March 2026"] for row in OBJECTIVES]
        self.plan_import = plan_import_upload(
            user=self.users["coordinator"],
            partnership=self.partnership,
            upload=upload(xlsx_bytes(rows), "action-plan.xlsx"),
        )


@pytest.fixture
def world(db, make_member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return World(make_member)


def _login(client, world, role):
    user = world.users[role]
    if user is not None:
        client.force_login(user)


def mapping_data(response, **changes) -> dict:
    """The mapping form's posted values as the page shows them, with `changes` ({"Who's doing it": "lead"})."""
    data = {}
    for form in response.context["mapping_forms"]:
        data[form.add_prefix("header_row")] = form["header_row"].value()
        for column, field in form.column_fields():
            data[field.html_name] = changes.get(column.heading, field.value() or "")
    return data


def _start(client, content: bytes, name: str, content_type: str = XLSX, **fields):
    return client.post(reverse("plans:import_start"), {"file": upload(content, name, content_type), **fields})


def _through_mapping(client, response, **changes):
    """From an upload's redirect: open the columns page, post its mapping (with changes), land on the preview."""
    assert response.status_code == 302, response.content.decode()[:2000]
    columns = client.get(response["Location"])
    assert columns.status_code == 200
    saved = client.post(response["Location"], mapping_data(columns, **changes))
    assert saved.status_code == 302, saved.content.decode()[:3000]
    return client.get(saved["Location"])


# Who may open each step ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_upload_page(client, world, role):
    _login(client, world, role)
    response = client.get(reverse("plans:import_start"))
    # Another partnership's coordinator may import their own partnership's plans.
    expected = {**EXPECTED, "outsider": 200}[role]
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["plans:import_columns", "plans:import_preview"])
def test_who_may_open_an_import(client, world, page, role):
    _login(client, world, role)
    response = client.get(reverse(page, args=[world.plan_import.pk]))
    assert response.status_code == EXPECTED[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
def test_who_may_post_a_column_mapping(client, world, role):
    coordinator = world.users["coordinator"]
    client.force_login(coordinator)
    data = mapping_data(client.get(reverse("plans:import_columns", args=[world.plan_import.pk])))
    client.logout()
    _login(client, world, role)
    response = client.post(reverse("plans:import_columns", args=[world.plan_import.pk]), data)
    assert response.status_code == {**EXPECTED, "coordinator": 302}[role]
    world.plan_import.refresh_from_db()
    assert (world.plan_import.state == PlanImport.State.MAPPED) == (role == "coordinator")


@pytest.mark.parametrize("role", ROLES)
def test_who_may_confirm_an_import(client, world, role):
    _login(client, world, role)
    response = client.post(reverse("plans:import_confirm", args=[world.plan_import.pk]))
    assert response.status_code == {**EXPECTED, "coordinator": 302}[role]
    assert Plan.objects.filter(partnership=world.partnership).count() == (1 if role == "coordinator" else 0)
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def test_confirm_is_post_only(client, world):
    client.force_login(world.users["coordinator"])
    assert client.get(reverse("plans:import_confirm", args=[world.plan_import.pk])).status_code == 405
    assert not Plan.objects.exists()


def test_the_manage_page_links_to_the_import(client, world):
    client.force_login(world.users["coordinator"])
    response = client.get(reverse("plans:manage"))
    assert f'href="{reverse("plans:import_start")}"' in response.content.decode()
    assert "Import a plan from Word or Excel" in response.content.decode()


def test_the_upload_page_lists_the_partnerships_recent_imports_only(client, world):
    theirs = plan_import_upload(
        user=world.users["outsider"],
        partnership=world.other,
        upload=upload(xlsx_bytes(objective_rows(2)), "someone-elses-plan.xlsx"),
    )
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("plans:import_start")).content.decode()
    assert "action-plan.xlsx" in page
    assert f'href="{reverse("plans:import_columns", args=[world.plan_import.pk])}"' in page
    assert theirs.filename not in page


def test_the_upload_page_runs_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    for n in range(6):
        plan_import_upload(
            user=world.users["coordinator"],
            partnership=world.partnership,
            upload=upload(xlsx_bytes(objective_rows(n + 1)), f"plan-{n}.xlsx"),
        )
    client.force_login(world.users["coordinator"])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("plans:import_start"))
    assert response.content.decode().count("Check the columns") == 7


# Upload -------------------------------------------------------------------------------------------------


def test_a_refused_file_shows_its_message_beside_the_field_and_keeps_nothing(client, world):
    content = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer\n%%EOF\n"
    with pytest.raises(ImportFileError) as refused:
        read_tables(io.BytesIO(content), filename="plan.docx")
    before = PlanImport.objects.count()
    client.force_login(world.users["coordinator"])
    response = _start(client, content, "plan.docx", DOCX)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_file"' in page
    assert 'class="govuk-error-message"' in page
    assert str(refused.value) in response.context["form"].errors["file"]
    assert PlanImport.objects.count() == before
    assert not Plan.objects.exists()


def test_an_upload_without_a_file_asks_for_one(client, world):
    client.force_login(world.users["coordinator"])
    response = client.post(reverse("plans:import_start"), {"title": "A plan"})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["Select a Word (.docx) or Excel (.xlsx) file"]


def test_a_coordinator_of_two_partnerships_chooses_one_of_theirs_only(client, world):
    second = PartnershipFactory()
    user = world.users["outsider"]
    MembershipFactory(partnership=second, user=user, roles=(Role.COORDINATOR,))
    client.force_login(user)
    opened = client.get(reverse("plans:import_start"))
    assert opened.status_code == 200, (opened.status_code, opened.get("Location"))
    assert "partnership" in opened.context["form"].fields
    refused = _start(client, xlsx_bytes(objective_rows(2)), "plan.xlsx", partnership=world.partnership.pk)
    assert refused.status_code == 400
    assert "partnership" in refused.context["form"].errors
    assert not PlanImport.objects.filter(created_by=user).exists()
    accepted = _start(client, xlsx_bytes(objective_rows(2)), "plan.xlsx", partnership=second.pk)
    assert accepted.status_code == 302
    assert PlanImport.objects.get(created_by=user).partnership == second


def test_a_plan_file_up_to_the_import_limit_reaches_the_importer_and_a_larger_body_is_a_413(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    settings.CSP_EVIDENCE_MAX_BYTES = 10_000
    settings.CSP_IMPORT_MAX_BYTES = 100_000
    client.force_login(world.users["coordinator"])
    within = _start(client, b"not a plan " * 5_000, "plan.xlsx")
    assert within.status_code == 400
    assert within.context["form"].errors["file"]
    beyond = _start(client, b"not a plan " * 20_000, "plan.xlsx")
    assert beyond.status_code == 413


# The whole path -----------------------------------------------------------------------------------------


def test_an_xlsx_plan_goes_through_columns_preview_and_confirm(client, world):
    client.force_login(world.users["coordinator"])
    rows = [list(row) + ["March 2026"] for row in OBJECTIVES]
    started = _start(
        client,
        xlsx_bytes(rows, headings=("Ref", "Objective", "Lead", "By when")),
        "east-herts.xlsx",
        partnership=world.partnership.pk,
        title="East Herts action plan 2025/26",
    )
    plan_import = PlanImport.objects.get(filename="east-herts.xlsx")
    assert started["Location"] == reverse("plans:import_columns", args=[plan_import.pk])
    assert plan_import.sha256
    assert plan_import.file.name.startswith(f"imports/{world.partnership.pk}/")

    preview = _through_mapping(client, started)
    page = preview.content.decode()
    assert preview.status_code == 200
    for _ref, title, lead in OBJECTIVES:
        assert title in page
        assert lead in page
    assert "Create the plan" in page
    assert not Plan.objects.exists()
    assert not Objective.objects.exists()

    confirmed = client.post(reverse("plans:import_confirm", args=[plan_import.pk]), follow=True)
    plan = Plan.objects.get()
    assert confirmed.redirect_chain[-1][0] == reverse("plans:editor", args=[plan.pk])
    assert "Plan imported: 3 objectives" in confirmed.content.decode()
    assert plan.title == "East Herts action plan 2025/26"
    assert plan.status == Plan.Status.DRAFT
    assert sorted(plan.objectives.values_list("ref", "title")) == sorted((ref, title) for ref, title, _ in OBJECTIVES)
    plan_import.refresh_from_db()
    assert plan_import.state == PlanImport.State.IMPORTED
    assert plan_import.plan == plan


def test_a_docx_plan_with_milestone_bullets_goes_through_to_a_plan(client, world):
    client.force_login(world.users["coordinator"])
    started = _start(client, docx_bytes(), "stevenage.docx", DOCX)
    preview = _through_mapping(client, started)
    page = preview.content.decode()
    assert "Plan agreed for 1.1" in page
    assert "Work finished for 1.2" in page
    assert "30 Jun 2014" in page
    plan_import = PlanImport.objects.get(filename="stevenage.docx")
    client.post(reverse("plans:import_confirm", args=[plan_import.pk]))
    objective = Objective.objects.get(ref="1.1")
    assert list(objective.milestones.values_list("text", flat=True)) == ["Plan agreed for 1.1", "Work finished for 1.1"]
    assert objective.milestones.first().due_date.isoformat() == "2014-06-30"


def test_a_corrected_column_mapping_changes_the_preview(client, world):
    client.force_login(world.users["coordinator"])
    started = _start(client, xlsx_bytes(objective_rows(2)), "unknown-heading.xlsx")
    columns = client.get(started["Location"])
    # "Who's doing it" is not a heading the importer knows: the column starts as ignored.
    who = next(
        field
        for form in columns.context["mapping_forms"]
        for column, field in form.column_fields()
        if column.heading == "Who's doing it"
    )
    assert not who.value()
    without = client.get(
        reverse("plans:import_preview", args=[PlanImport.objects.get(filename="unknown-heading.xlsx").pk])
    )
    assert "Hertfordshire Constabulary" not in without.content.decode()

    preview = _through_mapping(client, started, **{"Who's doing it": "lead"})
    assert "Hertfordshire Constabulary" in preview.content.decode()
    assert PlanImport.objects.get(filename="unknown-heading.xlsx").mappings[0]["columns"][2] == "lead"


def test_a_mapping_without_an_objective_column_is_refused_beside_the_field(client, world):
    client.force_login(world.users["coordinator"])
    url = reverse("plans:import_columns", args=[world.plan_import.pk])
    data = mapping_data(client.get(url))
    data = {key: ("" if value == "title" else value) for key, value in data.items()}
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose the column that holds the objectives" in page
    # Beside the column that was ignored (the objective column), linked from the summary.
    assert response.context["mapping_forms"][0].errors == {"column-1": ["Choose the column that holds the objectives"]}
    assert 'href="#id_table-0-column-1"' in page
    world.plan_import.refresh_from_db()
    assert world.plan_import.state == PlanImport.State.UPLOADED


def test_rows_with_errors_are_shown_beside_the_row_and_the_plan_cannot_be_created(client, world):
    client.force_login(world.users["coordinator"])
    rows = objective_rows(2) + [["3.1", "", "Hertfordshire Constabulary", "March 2026"]]
    preview = _through_mapping(client, _start(client, xlsx_bytes(rows), "faulty.xlsx"))
    page = preview.content.decode()
    assert "There is a problem" in page
    assert 'href="#row-2"' in page
    assert 'id="row-2"' in page
    assert "Row 4:" in page
    assert "Row 4: Row 4" not in page
    assert "Create the plan" not in page
    plan_import = PlanImport.objects.get(filename="faulty.xlsx")
    response = client.post(reverse("plans:import_confirm", args=[plan_import.pk]))
    assert response["Location"] == reverse("plans:import_preview", args=[plan_import.pk])
    assert not Plan.objects.exists()


def test_previewing_writes_no_plan(client, world):
    client.force_login(world.users["coordinator"])
    for _ in range(2):
        assert client.get(reverse("plans:import_preview", args=[world.plan_import.pk])).status_code == 200
    _through_mapping(client, _start(client, xlsx_bytes(objective_rows(3)), "again.xlsx"))
    assert not Plan.objects.exists()
    assert not Objective.objects.exists()


def test_confirming_twice_makes_one_plan(client, world):
    client.force_login(world.users["coordinator"])
    url = reverse("plans:import_confirm", args=[world.plan_import.pk])
    first = client.post(url)
    second = client.post(url, follow=True)
    plan = Plan.objects.get()
    assert first["Location"] == second.redirect_chain[-1][0] == reverse("plans:editor", args=[plan.pk])
    assert plan.objectives.count() == 3


def test_the_same_file_again_is_shown_as_imported_with_a_link_and_cannot_be_created_twice(client, world):
    client.force_login(world.users["coordinator"])
    client.post(reverse("plans:import_confirm", args=[world.plan_import.pk]))
    plan = Plan.objects.get()
    world.plan_import.file.open("rb")
    content = world.plan_import.file.read()
    world.plan_import.file.close()
    preview = _through_mapping(client, _start(client, content, "action-plan-copy.xlsx"))
    page = preview.content.decode()
    assert "This file was imported on" in page
    assert f'href="{reverse("plans:editor", args=[plan.pk])}"' in page
    assert "Create the plan" not in page
    again = PlanImport.objects.get(filename="action-plan-copy.xlsx")
    client.post(reverse("plans:import_confirm", args=[again.pk]))
    assert Plan.objects.count() == 1


def test_a_new_upload_of_the_same_file_abandons_the_unfinished_one(client, world):
    client.force_login(world.users["coordinator"])
    world.plan_import.file.open("rb")
    content = world.plan_import.file.read()
    world.plan_import.file.close()
    _start(client, content, "action-plan.xlsx")
    world.plan_import.refresh_from_db()
    assert world.plan_import.state == PlanImport.State.ABANDONED
    response = client.post(reverse("plans:import_confirm", args=[world.plan_import.pk]), follow=True)
    assert "uploaded again" in response.content.decode()
    assert not Plan.objects.exists()
    assert world.plan_import.history.count() >= 2


def _preview_queries(client, world, rows: int) -> int:
    imported = plan_import_upload(
        user=world.users["coordinator"],
        partnership=world.partnership,
        upload=upload(xlsx_bytes(objective_rows(rows)), f"plan-{rows}.xlsx"),
    )
    url = reverse("plans:import_preview", args=[imported.pk])
    client.get(url)  # the session and the user are cached alike in both measurements
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="govuk-table__row" id="row-') == rows
    return len(queries)


def test_the_preview_runs_the_same_number_of_queries_for_5_and_20_rows(client, world, django_assert_max_num_queries):
    client.force_login(world.users["coordinator"])
    small = _preview_queries(client, world, 5)
    large = _preview_queries(client, world, 20)
    assert small == large
    with django_assert_max_num_queries(10):
        client.get(reverse("plans:import_preview", args=[world.plan_import.pk]))


def test_our_own_export_goes_through_the_pages_with_every_column_recognised(client, world):
    source = PlanFactory(partnership=world.other, title="Exported plan", period_label="2025/26")
    section = SectionFactory(plan=source, title="Domestic abuse", position=0)
    for n in range(3):
        objective = ObjectiveFactory(plan=source, section=section, ref=f"1.{n + 1}", title=f"Exported objective {n}")
        MilestoneFactory(objective=objective, text=f"Milestone of objective {n}")
    client.force_login(world.users["coordinator"])
    started = _start(client, export_plan_xlsx(source), "exported.xlsx")
    columns = client.get(started["Location"])
    plan_sheet = next(form for form in columns.context["mapping_forms"] if form.table.source == "Sheet 'Plan'")
    assert all(field.value() for _, field in plan_sheet.column_fields())
    preview = _through_mapping(client, started)
    assert not preview.context["preview"].has_errors
    assert "Create the plan" in preview.content.decode()
    plan_import = PlanImport.objects.get(filename="exported.xlsx")
    client.post(reverse("plans:import_confirm", args=[plan_import.pk]))
    imported = Plan.objects.get(partnership=world.partnership)
    assert sorted(imported.objectives.values_list("ref", flat=True)) == ["1.1", "1.2", "1.3"]
    assert imported.objectives.get(ref="1.2").milestones.get().text == "Milestone of objective 1"


def test_the_preview_shows_outcomes_and_milestone_leads(client, world):
    client.force_login(world.users["coordinator"])
    headings = ("Ref", "Objective", "Expected outcomes", "Milestones", "Milestone dates", "Milestone leads")
    rows = [
        [
            "1.1",
            "Reduce repeat victims of domestic abuse",
            "1. Fewer repeat victims\n2. More reports to the police",
            "Sessions booked\nSessions held",
            "2025-09-01\n2026-01-31",
            "Stevenage Borough Council\nHertfordshire Constabulary",
        ]
    ]
    preview = _through_mapping(client, _start(client, xlsx_bytes(rows, headings=headings), "outcomes.xlsx"))
    page = preview.content.decode()
    assert "Expected outcomes" in page
    assert "2. More reports to the police" in page
    assert "Sessions held – 31 Jan 2026 (Hertfordshire Constabulary)" in page


def test_with_several_tables_a_faulty_row_is_named_by_its_table(client, world):
    document = docx.Document()
    for number, rows in enumerate(
        [
            [("1.1", "Reduce repeat victims", "Police")],
            [("2.1", "Divert young people", "Police"), ("2.2", "", "Council")],
        ]
    ):
        document.add_heading(f"Priority {number + 1}", level=2)
        table = document.add_table(rows=1, cols=3)
        for cell, heading in zip(table.rows[0].cells, ["Ref", "Objective", "Lead"], strict=True):
            cell.text = heading
        for ref, title, lead in rows:
            cells = table.add_row().cells
            cells[0].text, cells[1].text, cells[2].text = ref, title, lead
    out = io.BytesIO()
    document.save(out)
    client.force_login(world.users["coordinator"])
    preview = _through_mapping(client, _start(client, out.getvalue(), "two-tables.docx", DOCX))
    errors = preview.context["preview"].row_errors
    assert errors
    assert all(message.startswith("Table 2, row 3: ") for _, message in errors)
    assert "Table 2, row 3: " in preview.content.decode()
