"""The export download through real requests: who may download, the file's headers, a bad format, constant queries."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from csp.models import Role
from plans.views.export import export_filename
from tests.factories import ObjectiveFactory, PartnershipFactory, PlanFactory, SectionFactory

from .small_plan import plan_with_objectives

pytestmark = pytest.mark.django_db

ROLES = ("coordinator", "chair", "lead", "analyst", "viewer", "outsider", "anonymous")
# Whoever may see the plan may download it; another partnership's coordinator gets a 404.
EXPECTED = dict.fromkeys(ROLES, 200) | {"outsider": 404, "anonymous": 302}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class World:
    def __init__(self, make_member):
        self.partnership = PartnershipFactory()
        other = PartnershipFactory()
        self.users = {
            "coordinator": make_member(self.partnership, Role.COORDINATOR),
            "chair": make_member(self.partnership, Role.GROUP_CHAIR),
            "lead": make_member(self.partnership, Role.LEAD_OFFICER),
            "analyst": make_member(self.partnership, Role.ANALYST),
            "viewer": make_member(self.partnership, Role.VIEWER),
            "outsider": make_member(other, Role.COORDINATOR),
            "anonymous": None,
        }
        self.plan = PlanFactory(partnership=self.partnership, title="Action plan 2014/15")
        self.section = SectionFactory(plan=self.plan)
        ObjectiveFactory(plan=self.plan, section=self.section, ref="1.1")

    def login(self, client, role):
        if self.users[role] is not None:
            client.force_login(self.users[role])


@pytest.fixture
def world(db, make_member):
    return World(make_member)


def _url(plan, fmt):
    return f"{reverse('plans:plan_export', args=[plan.pk])}?format={fmt}"


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
@pytest.mark.parametrize("role", ROLES)
def test_who_may_download(client, world, role, fmt):
    world.login(client, role)
    response = client.get(_url(world.plan, fmt))
    assert response.status_code == EXPECTED[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    if response.status_code == 200:
        assert response["Content-Type"] == CONTENT_TYPES[fmt]
        assert response["Content-Disposition"] == f'attachment; filename="action-plan-201415.{fmt}"'
        assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}


def test_the_download_is_the_export(client, world):
    world.login(client, "viewer")
    workbook = load_workbook(io.BytesIO(client.get(_url(world.plan, "xlsx")).content))
    assert workbook["About"]["B1"].value == "Action plan 2014/15"
    assert workbook["Plan"]["D2"].value == "1.1"


@pytest.mark.parametrize("fmt", ["", "pdf", "XLSX", "<script>"])
def test_an_unknown_format_is_a_400_page(client, world, fmt):
    world.login(client, "viewer")
    response = client.get(_url(world.plan, fmt))
    assert response.status_code == 400
    assert "Sorry, there is a problem with your request" in response.text
    assert "choose Download as Excel or Download as Word" in response.text
    assert f'href="{reverse("plans:plan_detail", args=[world.plan.pk])}"' in response.text


def test_an_unknown_format_for_another_partnership_is_still_a_404(client, world):
    world.login(client, "outsider")
    assert client.get(_url(world.plan, "pdf")).status_code == 404


def test_an_archived_plan_can_still_be_exported(client, world):
    world.plan.archived_at = world.plan.created_at
    world.plan.save()
    world.login(client, "viewer")
    response = client.get(_url(world.plan, "xlsx"))
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content))["Plan"]["D2"].value == "1.1"


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Action plan 2014/15", "action-plan-201415.xlsx"),
        ('Plan "quoted"\r\nX-Header: 1', "plan-quoted-x-header-1.xlsx"),
        ("../../etc/passwd", "etcpasswd.xlsx"),
        ("Ŵelsh – plan", "welsh-plan.xlsx"),
        ("///", "plan.xlsx"),
    ],
)
def test_the_file_name_is_safe(title, name):
    assert export_filename(title, "xlsx") == name


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
@pytest.mark.parametrize("count", [1, 10])
def test_queries_do_not_grow_with_the_objectives(client, world, django_assert_max_num_queries, fmt, count):
    plan_with_objectives(count, plan=world.plan)
    world.login(client, "viewer")
    with django_assert_max_num_queries(15):
        assert client.get(_url(world.plan, fmt)).status_code == 200


@pytest.mark.parametrize("role", ["coordinator", "viewer"])
def test_the_plan_page_offers_both_downloads(client, world, role):
    world.login(client, role)
    page = client.get(reverse("plans:plan_detail", args=[world.plan.pk])).text
    for fmt, label in (("xlsx", "Download as Excel"), ("docx", "Download as Word")):
        assert f'href="{_url(world.plan, fmt)}" download>{label}</a>' in page
