"""Leads as plans write them (issue 11): the model's rules, the data migration, the service, the API, the page."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from csp.models import Role
from plans.models import Milestone, MilestoneLead, Objective, ObjectiveLead
from plans.rules import (
    LEAD_LABEL_RELATED,
    LEAD_LABEL_VALUES,
    labels_or_text,
    lead_label,
    lead_label_of_values,
    lead_organisation_ids,
    leads_or_text,
    led_by_agency_q,
)
from plans.selectors.access import access_milestone
from plans.selectors.leads import lead_lines
from plans.services.leads import milestone_leads_set, objective_leads_set
from tests.api.conftest import build_partnership_world, client_for
from tests.factories import (
    AgencyFactory,
    GroupFactory,
    MembershipFactory,
    MilestoneFactory,
    ObjectiveFactory,
    PersonFactory,
    PlanFactory,
)

from .review_setup import build_review_world

migration = import_module("plans.migrations.0013_objective_and_milestone_leads")


@pytest.fixture
def world(db):
    return build_partnership_world()


@pytest.fixture
def coordinator(world):
    return MembershipFactory(partnership=world.partnership, roles=(Role.COORDINATOR,)).user


# The model -------------------------------------------------------------------------------------------------


def test_a_lead_must_name_someone_or_something(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        ObjectiveLead.objects.create(objective=world.objective, kind="lead")
    with pytest.raises(IntegrityError), transaction.atomic():
        MilestoneLead.objects.create(milestone=MilestoneFactory(objective=world.objective))


def test_a_person_may_lead_for_two_organisations_but_not_twice_for_one(world):
    police = AgencyFactory(partnership=world.partnership, short_name="Police")
    ObjectiveLead.objects.create(objective=world.objective, person=world.person, agency=police)
    with pytest.raises(IntegrityError), transaction.atomic():
        ObjectiveLead.objects.create(objective=world.objective, person=world.person, agency=police)
    ObjectiveLead.objects.create(objective=world.objective, person=world.person)
    with pytest.raises(IntegrityError), transaction.atomic():
        ObjectiveLead.objects.create(objective=world.objective, person=world.person)
    # Rows without a person repeat freely: two organisations' unnamed jobholders with the same title.
    ObjectiveLead.objects.create(objective=world.objective, job_title="Licensing Manager")
    ObjectiveLead.objects.create(objective=world.objective, job_title="Licensing Manager")


# How a lead reads --------------------------------------------------------------------------------------------


def test_lead_label_says_each_shape_as_the_plan_does(world):
    police = AgencyFactory(partnership=world.partnership, name="Sussex Police", short_name="")
    sbc = AgencyFactory(partnership=world.partnership, short_name="SBC")
    mark = PersonFactory(partnership=world.partnership, name="Mark Smith", job_title="Now Head of Service")
    jag = GroupFactory(partnership=world.partnership, name="Joint Action Group", short_name="JAG")
    lead = ObjectiveLead

    assert lead_label(lead(job_title="Chief Inspector Eastbourne District", agency=police)) == (
        "Chief Inspector Eastbourne District (Sussex Police)"
    )
    assert lead_label(lead(agency=police)) == "Sussex Police"
    assert lead_label(lead(group=jag)) == "JAG"
    assert (
        lead_label(
            lead(person=mark, job_title="Community Safety Manager", agency=sbc, kind=lead.Kind.REPORTING_OFFICER)
        )
        == "Mark Smith, Community Safety Manager (SBC) — reporting officer"
    )
    assert lead_label(lead(person=mark, kind=lead.Kind.IN_CONJUNCTION)) == "Mark Smith — in conjunction with"


def test_a_lead_read_as_values_says_what_lead_label_says(world):
    """The meeting pack reads leads as rows of `LEAD_LABEL_VALUES`: each stored shape reads the same both ways,
    and an objective's line is the same as `leads_or_text` over its lead rows."""
    police = AgencyFactory(partnership=world.partnership, name="Sussex Police", short_name="")
    sbc = AgencyFactory(partnership=world.partnership, name="Stevenage Borough Council", short_name="SBC")
    mark = PersonFactory(partnership=world.partnership, name="Mark Smith", job_title="Now Head of Service")
    jag = GroupFactory(partnership=world.partnership, name="Joint Action Group", short_name="JAG")
    odg = GroupFactory(partnership=world.partnership, name="Operational Delivery Group", short_name="")
    objective = world.objective
    objective.leads.all().delete()
    shapes = [
        {"job_title": "Chief Inspector Eastbourne District", "agency": police},
        {"agency": sbc},
        {"group": jag},
        {"group": odg, "kind": ObjectiveLead.Kind.IN_CONJUNCTION},
        {
            "person": mark,
            "job_title": "Community Safety Manager",
            "agency": sbc,
            "kind": ObjectiveLead.Kind.REPORTING_OFFICER,
        },
        {"person": mark, "group": jag},
        {"job_title": "Licensing Manager"},
    ]
    for position, shape in enumerate(shapes):
        ObjectiveLead.objects.create(objective=objective, position=position, **shape)
    leads = list(objective.leads.select_related(*LEAD_LABEL_RELATED).order_by("position", "id"))
    rows = objective.leads.order_by("position", "id").values_list(*LEAD_LABEL_VALUES)
    assert [lead_label_of_values(*row) for row in rows] == [lead_label(lead) for lead in leads]
    assert len(set(map(lead_label, leads))) == len(shapes)
    line = labels_or_text([lead_label_of_values(*row) for row in rows], "the plan's words")
    assert line == leads_or_text(leads, "the plan's words")
    assert labels_or_text([], "the plan's words") == leads_or_text([], "the plan's words") == "the plan's words"


def test_the_lead_cell_tag_is_the_rule_leads_else_the_plans_words_else_a_dash(world):
    """`{% leads_or_text %}` (plan page, dashboard, item page milestones): `plans.rules.leads_or_text`, escaped;
    `shorten` cuts only the plan's own words, never a lead's name."""
    from django.template import Context, Template

    police = AgencyFactory(partnership=world.partnership, name="Police & Crime", short_name="")
    jag = GroupFactory(partnership=world.partnership, name="Joint Action Group", short_name="JAG")
    leads = [ObjectiveLead(agency=police), ObjectiveLead(group=jag)]
    long_words = "The community safety manager with the " + "neighbourhood teams " * 6

    def cell(leads, text, extra=""):
        return Template("{% load plan_leads %}{% leads_or_text leads text " + extra + "%}").render(
            Context({"leads": leads, "text": text})
        )

    assert cell(leads, "Written <b>words</b>") == "Police &amp; Crime; JAG"
    assert cell(leads * 3, "", "shorten=20 ") == "; ".join(["Police &amp; Crime", "JAG"] * 3)
    assert cell([], "Written <b>words</b>") == "Written &lt;b&gt;words&lt;/b&gt;"
    short = cell([], long_words, "shorten=40 ")
    assert short.endswith("…")
    assert len(short) <= 40
    assert cell([], long_words) == long_words
    assert cell([], "") == cell([], None) == "–"


def test_changing_a_persons_job_title_does_not_change_what_the_plan_shows(world, client):
    mark = PersonFactory(partnership=world.partnership, name="Mark Smith", job_title="Community Safety Manager")
    objective_leads_set(world.objective, [{"person": mark, "job_title": mark.job_title}], by=None)
    mark.job_title = "Director of Communities"
    mark.save()

    viewer = MembershipFactory(partnership=world.partnership, roles=(Role.VIEWER,)).user
    client.force_login(viewer)
    page = client.get(reverse("plans:objective_detail", args=[world.objective.pk])).content.decode()
    assert "Mark Smith, Community Safety Manager" in page
    assert "Director of Communities" not in page


def test_the_agency_of_a_lead_without_a_person_is_a_lead_organisation(world):
    police = AgencyFactory(partnership=world.partnership, short_name="Police")
    objective_leads_set(world.objective, [{"job_title": "Chief Inspector", "agency": police}], by=None)
    objective = Objective.objects.prefetch_related("lead_agencies", "leads__agency", "leads__person__agency").get(
        pk=world.objective.pk
    )
    assert police.pk in lead_organisation_ids(objective)
    assert Objective.objects.filter(led_by_agency_q(police)).get() == world.objective


# The data migration --------------------------------------------------------------------------------------------


def test_the_migration_keeps_the_job_title_the_plan_showed_and_makes_milestone_leads(world):
    insp = PersonFactory(partnership=world.partnership, name="Simon Sample", job_title="Insp")
    kept = ObjectiveLead.objects.create(objective=world.objective, person=insp)
    by_text = MilestoneFactory(objective=world.objective, lead_text="NTE group")
    MilestoneLead.objects.filter(milestone__objective=world.objective).delete()

    migration.keep_leads_as_written(apps, None)

    kept.refresh_from_db()
    assert kept.job_title == "Insp"
    insp.job_title = "Chief Inspector"
    insp.save()
    kept.refresh_from_db()
    assert lead_label(kept) == "Simon Sample, Insp"
    assert [(lead.person, lead.job_title) for lead in by_text.leads.all()] == [(None, "NTE group")]


# The service ---------------------------------------------------------------------------------------------------


def test_the_service_replaces_the_set_in_order_and_keeps_history(world, coordinator):
    police = AgencyFactory(partnership=world.partnership, short_name="Police")
    council = AgencyFactory(partnership=world.partnership, short_name="SBC")
    rows = objective_leads_set(
        world.objective,
        [
            {"person": world.person, "agency": police.pk, "kind": "lead"},
            {"person": world.person.pk, "agency": council},
            {"job_title": "Head of Community Safety", "kind": "reporting"},
        ],
        by=coordinator,
    )
    assert [lead_label(r) for r in world.objective.leads.all()] == [lead_label(r) for r in rows]
    assert [r.position for r in world.objective.leads.all()] == [1, 2, 3]
    assert len(rows) == 3
    history = ObjectiveLead.history.filter(objective_id=world.objective.pk)
    assert history.filter(history_type="-").exists()
    assert history.filter(history_type="+", history_user=coordinator).count() == 3


def test_the_service_refuses_bad_leads_and_writes_nothing(world, coordinator):
    other = build_partnership_world()
    before = list(world.objective.leads.values_list("pk", flat=True))
    with pytest.raises(ValidationError) as refused:
        objective_leads_set(
            world.objective,
            [
                {"job_title": "Inspector"},
                {"kind": "lead"},
                {"person": other.person},
                {"agency": other.agency.pk, "group": other.group},
                {"job_title": "x" * 301},
                {"job_title": "Inspector", "person": world.person, "agency": world.agency},
                {"person": world.person, "agency": world.agency},
            ],
            by=coordinator,
        )
    errors = refused.value.message_dict
    assert errors["leads-1-person"] == ["Give a person, a job title, an organisation or a group"]
    assert errors["leads-2-person"] == ["Choose a person of this partnership"]
    assert errors["leads-3-agency"] == ["Choose a organisation of this partnership"]
    assert errors["leads-3-group"] == ["Choose a group of this partnership"]
    assert errors["leads-4-job_title"] == ["Job title must be 300 characters or fewer"]
    assert "already leads for this organisation in row 6" in errors["leads-6-person"][0]
    assert "leads-0-person" not in errors
    assert list(world.objective.leads.values_list("pk", flat=True)) == before


def test_only_a_coordinator_may_set_leads_through_the_service(world):
    viewer = MembershipFactory(partnership=world.partnership, roles=(Role.VIEWER,)).user
    with pytest.raises(PermissionDenied):
        objective_leads_set(world.objective, [{"job_title": "Inspector"}], by=viewer)


def test_milestone_leads_have_the_same_shape(world, coordinator):
    milestone = MilestoneFactory(objective=world.objective)
    milestone_leads_set(milestone, [{"group": world.group}, {"job_title": "Licensing Manager"}], by=coordinator)
    assert [lead_label(lead) for lead in milestone.leads.all()] == [str(world.group), "Licensing Manager"]


# The API ---------------------------------------------------------------------------------------------------


def _objective_url(world):
    return f"/api/objectives/{world.objective.pk}/"


def test_api_round_trip_of_a_jobholder_and_of_one_person_for_two_organisations(world, coordinator):
    police = AgencyFactory(partnership=world.partnership, name="Sussex Police", short_name="")
    api = client_for(coordinator)
    leads = [
        {"job_title": "Chief Inspector Eastbourne District", "agency": police.pk},
        {"person": world.person.pk, "agency": world.agency.pk, "kind": "lead"},
        {"person": world.person.pk, "agency": police.pk, "kind": "in_conjunction"},
        {"group": world.group.pk},
    ]
    milestone = {"text": "Campaign week", "leads": [{"job_title": "Licensing Manager", "agency": police.pk}]}
    response = api.patch(_objective_url(world), {"leads": leads, "milestones": [milestone]}, format="json")
    assert response.status_code == 200, response.content

    body = api.get(_objective_url(world)).json()
    got = [{k: lead[k] for k in ("person", "job_title", "agency", "group", "kind")} for lead in body["leads"]]
    assert got == [
        {
            "person": None,
            "job_title": "Chief Inspector Eastbourne District",
            "agency": police.pk,
            "group": None,
            "kind": "lead",
        },
        {"person": world.person.pk, "job_title": "", "agency": world.agency.pk, "group": None, "kind": "lead"},
        {"person": world.person.pk, "job_title": "", "agency": police.pk, "group": None, "kind": "in_conjunction"},
        {"person": None, "job_title": "", "agency": None, "group": world.group.pk, "kind": "lead"},
    ]
    assert body["leads"][0]["label"] == "Chief Inspector Eastbourne District (Sussex Police)"
    assert body["milestones"][0]["leads"][0]["label"] == "Licensing Manager (Sussex Police)"


def test_api_refuses_a_lead_naming_nothing_and_another_partnerships_person(world, coordinator):
    other = build_partnership_world()
    api = client_for(coordinator)
    empty = api.patch(_objective_url(world), {"leads": [{"kind": "lead"}]}, format="json")
    assert empty.status_code == 400
    assert "Give a person, a job title" in str(empty.json())
    foreign = api.patch(_objective_url(world), {"leads": [{"person": other.person.pk}]}, format="json")
    assert foreign.status_code == 400
    assert world.objective.leads.filter(person=world.person).exists()


# The leads page ------------------------------------------------------------------------------------------------

# 200 may edit, 403 may see but not change, 404 another partnership's objective.
MAY_EDIT_LEADS = {
    "coordinator": 200,
    "chair": 403,
    "other_chair": 403,
    "lead": 403,
    "analyst": 403,
    "viewer": 403,
    "outsider": 404,
}


@pytest.fixture
def review_world(db):
    return build_review_world()


@pytest.mark.parametrize("role", MAY_EDIT_LEADS)
def test_leads_page_permission_matrix(client, review_world, role):
    client.force_login(review_world.user(role))
    url = reverse("plans:objective_leads", args=[review_world.objective.pk])
    assert client.get(url).status_code == MAY_EDIT_LEADS[role]
    before = list(review_world.objective.leads.values_list("pk", "job_title"))
    response = client.post(url, _form([{"job_title": "Inspector"}]))
    assert response.status_code == {200: 302}.get(MAY_EDIT_LEADS[role], MAY_EDIT_LEADS[role])
    if MAY_EDIT_LEADS[role] != 200:
        assert list(review_world.objective.leads.values_list("pk", "job_title")) == before


def _form(rows: list[dict], *, initial: int = 0) -> dict:
    data = {"leads-TOTAL_FORMS": str(len(rows)), "leads-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        data.update({f"leads-{index}-{key}": value for key, value in row.items()})
        data.setdefault(f"leads-{index}-kind", "lead")
    return data


def test_leads_page_shows_only_this_partnerships_people_and_saves_the_rows(client, world, coordinator):
    other = build_partnership_world()
    client.force_login(coordinator)
    url = reverse("plans:objective_leads", args=[world.objective.pk])
    page = client.get(url).content.decode()
    assert world.person.name in page
    assert other.person.name not in page
    assert 'name="leads-3-job_title"' in page  # one lead and three blank rows

    response = client.post(
        url,
        _form(
            [
                {"person": world.person.pk, "agency": world.agency.pk, "DELETE": "on"},
                {"job_title": "Chief Inspector Eastbourne District", "agency": world.agency.pk},
                {"person": world.person.pk, "job_title": "Insp", "kind": "reporting"},
                {"kind": "lead"},
            ],
            initial=1,
        ),
    )
    assert response.status_code == 302
    assert [lead_label(lead) for lead in world.objective.leads.all()] == [
        f"Chief Inspector Eastbourne District ({world.agency})",
        f"{world.person.name}, Insp — reporting officer",
    ]


def test_leads_page_shows_errors_beside_the_row_and_writes_nothing(client, world, coordinator):
    other = build_partnership_world()
    client.force_login(coordinator)
    url = reverse("plans:objective_leads", args=[world.objective.pk])
    before = list(world.objective.leads.values_list("pk", flat=True))
    twice = [
        {"person": world.person.pk, "agency": world.agency.pk},
        {"person": world.person.pk, "agency": world.agency.pk},
    ]
    response = client.post(url, _form(twice, initial=1))
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_leads-1-person"' in page
    assert "already leads for this organisation in row 1" in page

    foreign = client.post(url, _form([{"person": other.person.pk}])).content.decode()
    assert "Select a valid choice" in foreign  # the other partnership's person is not among the choices
    assert list(world.objective.leads.values_list("pk", flat=True)) == before


def test_leads_page_runs_a_constant_number_of_queries(client, world, coordinator, django_assert_max_num_queries):
    for n in range(6):
        ObjectiveLead.objects.create(
            objective=world.objective, job_title=f"Officer {n}", agency=AgencyFactory(partnership=world.partnership)
        )
    client.force_login(coordinator)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("plans:objective_leads", args=[world.objective.pk])).status_code == 200


def test_milestone_model_keeps_its_lead_text(world):
    assert Milestone._meta.get_field("lead_text").max_length == 300


# A milestone's leads page (issue 11) -----------------------------------------------------------------------


def _milestone(world) -> Milestone:
    return world.objective.milestones.get()


def test_access_milestone_is_404_for_another_partnership_and_403_for_a_role_that_may_not_change_it(world):
    other = build_partnership_world()
    other_coordinator = MembershipFactory(partnership=other.partnership, roles=(Role.COORDINATOR,)).user
    viewer = MembershipFactory(partnership=world.partnership, roles=(Role.VIEWER,)).user
    milestone = _milestone(world)

    with pytest.raises(Http404):
        access_milestone(other_coordinator, milestone.pk)
    assert access_milestone(viewer, milestone.pk) == milestone
    with pytest.raises(PermissionDenied):
        access_milestone(viewer, milestone.pk, for_change=True)


def test_milestone_leads_page_saves_jobholders_and_organisations_with_history(client, world, coordinator):
    milestone = _milestone(world)
    old = milestone.leads.get()
    client.force_login(coordinator)
    url = reverse("plans:milestone_leads", args=[milestone.pk])
    page = client.get(url).content.decode()
    assert f"Leads of the milestone ‘{milestone}’" in page
    assert f'action="{url}"' in page

    response = client.post(
        url,
        _form(
            [
                {"person": world.person.pk, "agency": world.agency.pk, "DELETE": "on"},
                {"job_title": "Licensing Manager", "agency": world.agency.pk, "kind": "reporting"},
            ],
            initial=1,
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("plans:objective_detail", args=[world.objective.pk]) + "#milestones"
    assert [lead_label(lead) for lead in milestone.leads.all()] == [
        f"Licensing Manager ({world.agency}) — reporting officer"
    ]
    removed = MilestoneLead.history.get(id=old.pk, history_type="-")
    added = MilestoneLead.history.get(milestone_id=milestone.pk, job_title="Licensing Manager", history_type="+")
    assert removed.history_user == added.history_user == coordinator


def test_milestone_leads_page_shows_errors_in_the_summary_and_beside_the_row(client, world, coordinator):
    milestone = _milestone(world)
    client.force_login(coordinator)
    before = list(milestone.leads.values_list("pk", flat=True))
    url = reverse("plans:milestone_leads", args=[milestone.pk])
    twice = [
        {"person": world.person.pk, "agency": world.agency.pk},
        {"person": world.person.pk, "agency": world.agency.pk},
    ]
    response = client.post(url, _form(twice, initial=1))
    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Leads of the milestone" in page
    assert "There is a problem" in page
    assert 'href="#id_leads-1-person"' in page
    assert "already leads for this organisation in row 1" in page

    too_long = client.post(url, _form([{"job_title": "x" * 301}])).content.decode()
    assert '<a href="#id_leads-0-job_title">Job title must be 300 characters or fewer</a>' in too_long
    assert list(milestone.leads.values_list("pk", flat=True)) == before


def test_a_read_only_plans_milestone_leads_are_refused_with_the_message_on_the_page(client, world, coordinator):
    milestone = _milestone(world)
    PlanFactory(partnership=world.partnership, predecessor=world.plan, status="live")
    client.force_login(coordinator)
    before = list(milestone.leads.values_list("pk", flat=True))
    response = client.post(
        reverse("plans:milestone_leads", args=[milestone.pk]), _form([{"job_title": "Licensing Manager"}])
    )
    assert response.status_code == 400
    assert "is read-only: next year&#x27;s plan is live" in response.content.decode()
    assert list(milestone.leads.values_list("pk", flat=True)) == before


def test_milestone_leads_page_runs_a_constant_number_of_queries(
    client, world, coordinator, django_assert_max_num_queries
):
    milestone = _milestone(world)
    for n in range(6):
        MilestoneLead.objects.create(
            milestone=milestone, job_title=f"Officer {n}", agency=AgencyFactory(partnership=world.partnership)
        )
    client.force_login(coordinator)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("plans:milestone_leads", args=[milestone.pk])).status_code == 200


def test_the_objective_page_shows_milestone_leads_and_links_coordinators_to_change_them(client, world, coordinator):
    milestone = _milestone(world)
    written = MilestoneFactory(objective=world.objective, text="Second milestone", lead_text="SBC Licensing")
    viewer = MembershipFactory(partnership=world.partnership, roles=(Role.VIEWER,)).user
    url = reverse("plans:objective_detail", args=[world.objective.pk])
    leads_url = reverse("plans:milestone_leads", args=[milestone.pk])

    client.force_login(viewer)
    page = client.get(url).content.decode()
    assert lead_label(milestone.leads.get()) in page
    assert "SBC Licensing" in page  # no structured leads: the lead as written
    assert leads_url not in page

    client.force_login(coordinator)
    page = client.get(url).content.decode()
    assert leads_url in page
    assert reverse("plans:milestone_leads", args=[written.pk]) in page
    assert reverse("plans:objective_leads", args=[world.objective.pk]) in page


def test_the_objective_form_links_each_saved_milestone_to_its_leads_page(client, world, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("plans:objective_edit", args=[world.objective.pk])).content.decode()
    assert reverse("plans:milestone_leads", args=[_milestone(world).pk]) in page


def test_the_check_page_shows_structured_leads_of_objectives_and_milestones(client, world, coordinator):
    world.plan.status = "draft"
    world.plan.save()
    client.force_login(coordinator)
    page = client.get(reverse("plans:plan_check", args=[world.plan.pk])).content.decode()
    assert lead_label(world.objective.leads.get()) in page
    assert f"(lead: {lead_label(_milestone(world).leads.get())})" in page


def _queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_objective_page_with_milestone_leads_runs_a_constant_number_of_queries(client, world, coordinator):
    client.force_login(coordinator)
    url = reverse("plans:objective_detail", args=[world.objective.pk])
    one = _queries_for(client, url)
    for n in range(8):
        milestone = MilestoneFactory(objective=world.objective, text=f"Milestone {n}")
        MilestoneLead.objects.create(
            milestone=milestone, job_title=f"Officer {n}", agency=AgencyFactory(partnership=world.partnership)
        )
    assert _queries_for(client, url) == one


def test_the_check_page_with_leads_runs_a_constant_number_of_queries(client, world, coordinator):
    client.force_login(coordinator)
    url = reverse("plans:plan_check", args=[world.plan.pk])
    one = _queries_for(client, url)
    for n in range(8):
        objective = ObjectiveFactory(plan=world.plan, section=world.objective.section, ref=f"9.{n}")
        ObjectiveLead.objects.create(objective=objective, job_title="Licensing Manager", agency=world.agency)
        MilestoneLead.objects.create(milestone=MilestoneFactory(objective=objective), group=world.group)
    assert _queries_for(client, url) == one


# The lists of items ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "role"),
    [("plans:review_dashboard", "chair"), ("plans:plan_detail", "chair"), ("plans:my_items", "lead")],
)
def test_each_list_of_items_names_its_rows_leads_in_order(db, client, page, role):
    # The lists read each row's leads as a list (`row_leads`, not the manager): a template reading any other
    # name would show no leads and no error.
    review_world = build_review_world()
    debbie = review_world.objective.leads.get().person
    agency = AgencyFactory(partnership=review_world.partnership, name="Hertfordshire Fire and Rescue Service")
    objective_leads_set(review_world.objective, [{"person": debbie}, {"agency": agency}], by=None)
    args = [review_world.plan.pk] if page == "plans:plan_detail" else []

    client.force_login(review_world.user(role))
    body = client.get(reverse(page, args=args)).content.decode()
    rows = body[body.index('class="govuk-table__body"') :]  # not the filters (the dashboard lists agencies)

    first, second = (lead_label(lead) for lead in review_world.objective.leads.order_by("position", "id"))
    assert first in rows
    assert second in rows
    assert rows.index(first) < rows.index(second)


def test_lead_lines_say_what_leads_or_text_says_over_the_lead_rows(db):
    # The pack and the inbox read leads as label parts (`lead_lines`); the pages with lead rows call leads_or_text.
    review_world = build_review_world()
    debbie = review_world.objective.leads.get().person
    agency = AgencyFactory(partnership=review_world.partnership, name="Hertfordshire Fire and Rescue Service")
    objective_leads_set(review_world.objective, [{"person": debbie}, {"agency": agency}], by=None)
    words_only = ObjectiveFactory(plan=review_world.plan, lead_text="Head of Community Safety (SBC)")
    nobody = ObjectiveFactory(plan=review_world.plan, lead_text="")
    objectives = [review_world.objective, words_only, nobody]

    lines = lead_lines(objectives)

    assert lines == {
        objective.pk: leads_or_text(objective.leads.order_by("position", "id"), objective.lead_text)
        for objective in objectives
    }
    assert lines[words_only.pk] == "Head of Community Safety (SBC)"
    assert lines[nobody.pk] == ""
    first, second = (lead_label(lead) for lead in review_world.objective.leads.order_by("position", "id"))
    line = lines[review_world.objective.pk]
    assert line.index(first) < line.index(second)
