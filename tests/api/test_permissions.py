"""Who may do what through the API: the pages' access rules, as a matrix."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from csp.models import Agency
from plans.models import QuarterlyUpdate, Review
from reporting.models import ReportJob
from tests.api.conftest import ENDPOINTS, ROLES, client_for
from tests.factories import MembershipFactory, ObjectiveLeadFactory, PersonFactory

pytestmark = pytest.mark.django_db

WRITABLE_BY_COORDINATOR = [e for e in ENDPOINTS if e not in ("updates", "reviews", "reports")]
# Endpoints whose objects are never changed or deleted through the API, only created.
CREATE_ONLY = ("reviews", "reports")
READ_ONLY_ROLES = ["viewer", "analyst"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
@pytest.mark.parametrize("role", ROLES)
def test_another_partnerships_object_does_not_exist_for_any_role(role, endpoint, method, other_world, api_as):
    client = api_as(role)
    obj = other_world.objects[endpoint]

    response = getattr(client, method)(f"/api/{endpoint}/{obj.pk}/", {}, format="json")

    expected = 404
    if (method != "get" and endpoint in CREATE_ONLY) or (endpoint == "updates" and method == "delete"):
        expected = 405
    assert response.status_code == expected
    assert type(obj).objects.filter(pk=obj.pk).exists()


# Actions on one object (POST to a detail route) follow the same rule: another partnership's object is a 404.
DETAIL_ACTIONS = [("updates", "submit"), ("reports", "retry")]


@pytest.mark.parametrize(("endpoint", "action"), DETAIL_ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_an_action_on_another_partnerships_object_is_404_for_any_role(role, endpoint, action, other_world, api_as):
    obj = other_world.objects[endpoint]

    response = api_as(role).post(f"/api/{endpoint}/{obj.pk}/{action}/", {}, format="json")

    assert response.status_code == 404


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_lists_hold_only_the_users_partnerships(endpoint, world, other_world, api_as):
    response = api_as("viewer").get(f"/api/{endpoint}/", {"page_size": 200})

    ids = {row["id"] for row in response.json()["results"]}
    assert world.objects[endpoint].pk in ids
    assert other_world.objects[endpoint].pk not in ids


# Analysts may ask for reports (POST /api/reports/): test_analyst_requests_a_report covers that.
# Analysts record indicator readings (POST/PATCH): tests/priorities/test_indicator_views.py covers that.
ANALYST_WRITES = {("reports", "post"), ("indicator-readings", "post"), ("indicator-readings", "patch")}
READ_ONLY_WRITES = [
    (role, endpoint, method)
    for role in READ_ONLY_ROLES
    for endpoint in ENDPOINTS
    for method in ("post", "patch", "delete")
    if not (role == "analyst" and (endpoint, method) in ANALYST_WRITES)
]


@pytest.mark.parametrize(("role", "endpoint", "method"), READ_ONLY_WRITES)
def test_read_only_roles_cannot_write(role, endpoint, method, world, api_as):
    client = api_as(role)
    obj = world.objects[endpoint]
    url = f"/api/{endpoint}/" if method == "post" else f"/api/{endpoint}/{obj.pk}/"

    response = getattr(client, method)(url, {}, format="json")

    assert response.status_code in (403, 405)
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_requests_are_refused(endpoint, world):
    assert APIClient().get(f"/api/{endpoint}/").status_code in (401, 403)


@pytest.mark.parametrize("endpoint", WRITABLE_BY_COORDINATOR)
def test_coordinator_can_change_their_partnerships_objects(endpoint, world, api_as):
    obj = world.objects[endpoint]
    client = api_as("coordinator")
    current = client.get(f"/api/{endpoint}/{obj.pk}/").json()
    writable = {k: v for k, v in current.items() if k not in ("id", "created_at", "updated_at")}

    response = client.put(f"/api/{endpoint}/{obj.pk}/", writable, format="json")

    assert response.status_code == 200, response.content


@pytest.mark.parametrize("role", ["group_chair", "lead_officer", "analyst", "viewer"])
def test_only_a_coordinator_changes_plan_content(role, world, api_as):
    response = api_as(role).patch(f"/api/objectives/{world.objective.pk}/", {"title": "Changed"}, format="json")

    assert response.status_code == 403


def test_coordinator_cannot_create_in_another_partnership(world, other_world, api_as):
    response = api_as("coordinator").post(
        "/api/agencies/", {"partnership": other_world.partnership.pk, "name": "Intruder"}, format="json"
    )

    assert response.status_code == 400
    assert not Agency.objects.filter(name="Intruder").exists()


def test_coordinator_of_one_partnership_cannot_write_in_another_they_only_view(world, other_world, make_member):
    user = make_member(world.partnership, "coordinator")
    MembershipFactory(user=user, partnership=other_world.partnership, roles=("viewer",))

    response = client_for(user).patch(f"/api/agencies/{other_world.agency.pk}/", {"name": "Renamed"}, format="json")

    assert response.status_code == 403


def test_an_objective_cannot_name_a_lead_from_another_partnership(world, other_world, make_member):
    user = make_member(world.partnership, "coordinator")
    MembershipFactory(user=user, partnership=other_world.partnership, roles=("viewer",))

    response = client_for(user).patch(
        f"/api/objectives/{world.objective.pk}/",
        {"leads": [{"person": other_world.person.pk, "kind": "lead"}]},
        format="json",
    )

    assert response.status_code == 400
    assert "leads" in response.json()


def test_only_an_administrator_creates_a_partnership(api_as):
    response = api_as("coordinator").post("/api/partnerships/", {"name": "New CSP", "slug": "new-csp"}, format="json")

    assert response.status_code == 403


@pytest.mark.parametrize("decision", ["approved", "returned", "escalated"])
def test_lead_officer_cannot_review(decision, world, api_as):
    lead = PersonFactory(partnership=world.partnership)
    ObjectiveLeadFactory(objective=world.objective, person=lead)

    response = api_as("lead_officer", person=lead).post(
        "/api/reviews/", {"update": world.update.pk, "decision": decision, "comment": "Fine"}, format="json"
    )

    assert response.status_code == 403
    world.update.refresh_from_db()
    assert world.update.state == QuarterlyUpdate.State.SUBMITTED


def test_chair_of_the_owning_group_approves_through_the_review_service(world, make_member):
    chair = make_member(world.partnership, "group_chair", person=world.person)

    response = client_for(chair).post(
        "/api/reviews/", {"update": world.update.pk, "decision": "approved", "comment": ""}, format="json"
    )

    assert response.status_code == 201, response.content
    world.update.refresh_from_db()
    assert world.update.state == QuarterlyUpdate.State.APPROVED
    assert Review.objects.filter(update=world.update, reviewer=chair, decision="approved").exists()


def test_chair_of_another_group_cannot_approve(world, api_as):
    response = api_as("group_chair").post(
        "/api/reviews/", {"update": world.update.pk, "decision": "approved"}, format="json"
    )

    assert response.status_code == 403


def test_returning_without_a_comment_is_refused_with_a_message(world, make_member):
    chair = make_member(world.partnership, "group_chair", person=world.person)

    response = client_for(chair).post(
        "/api/reviews/", {"update": world.update.pk, "decision": "returned"}, format="json"
    )

    assert response.status_code == 400
    assert "comment" in str(response.json()).lower()


@pytest.fixture
def lead_and_draft(world, member):
    lead = PersonFactory(partnership=world.partnership)
    ObjectiveLeadFactory(objective=world.objective, person=lead)
    user = member("lead_officer", person=lead)
    world.update.state = QuarterlyUpdate.State.RETURNED
    world.update.save()
    return user, world.update


def test_lead_officer_saves_their_objectives_update(lead_and_draft):
    user, update = lead_and_draft

    response = client_for(user).patch(f"/api/updates/{update.pk}/", {"progress": "Two events held."}, format="json")

    assert response.status_code == 200, response.content
    update.refresh_from_db()
    assert (update.progress, update.state) == ("Two events held.", QuarterlyUpdate.State.RETURNED)


def test_lead_officer_cannot_write_another_objectives_update(world, api_as):
    world.update.state = QuarterlyUpdate.State.DRAFT
    world.update.save()

    response = api_as("lead_officer").patch(f"/api/updates/{world.update.pk}/", {"progress": "Mine?"}, format="json")

    assert response.status_code == 403


def test_a_submitted_update_is_locked(world, api_as):
    response = api_as("coordinator").patch(f"/api/updates/{world.update.pk}/", {"progress": "Late edit"}, format="json")

    assert response.status_code == 409


def test_submitting_an_incomplete_update_lists_what_is_missing(lead_and_draft):
    user, update = lead_and_draft

    response = client_for(user).post(f"/api/updates/{update.pk}/submit/", {"rag_status": "red"}, format="json")

    assert response.status_code == 400
    assert "rag_note" in response.json()


def test_lead_officer_submits_a_complete_update(lead_and_draft, world):
    user, update = lead_and_draft
    outcome = world.objective.outcomes.get()

    response = client_for(user).post(
        f"/api/updates/{update.pk}/submit/",
        {
            "progress": "Campaign delivered.",
            "rag_status": "green",
            "outcome_statuses": [{"outcome": outcome.pk, "rag_status": "green", "note": ""}],
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "submitted"


def test_analyst_requests_a_report_through_the_reporting_service(world, api_as):
    response = api_as("analyst").post(
        "/api/reports/", {"kind": "board", "plan": world.plan.pk, "period": world.period.pk}, format="json"
    )

    assert response.status_code == 201, response.content
    job = ReportJob.objects.get(pk=response.json()["id"])
    assert (job.plan, job.period, job.state) == (world.plan, world.period, ReportJob.State.QUEUED)


@pytest.mark.parametrize("role", ["viewer", "lead_officer"])
def test_viewers_and_lead_officers_cannot_request_reports(role, world, api_as):
    response = api_as(role).post(
        "/api/reports/", {"kind": "board", "plan": world.plan.pk, "period": world.period.pk}, format="json"
    )

    assert response.status_code == 403


def test_a_report_for_a_period_outside_the_plan_is_refused_with_a_message(world, api_as):
    from tests.factories import QuarterFactory

    later = QuarterFactory(partnership=world.partnership, financial_year=2016, number=1)

    response = api_as("analyst").post(
        "/api/reports/", {"kind": "board", "plan": world.plan.pk, "period": later.pk}, format="json"
    )

    assert response.status_code == 400
    assert "period" in response.json()


def test_a_report_not_yet_rendered_cannot_be_downloaded(world, api_as):
    response = api_as("viewer").get(f"/api/reports/{world.report.pk}/download/")

    assert response.status_code == 409


def test_a_rendered_report_downloads_as_pdf(world, api_as, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    world.report.pdf.save("board.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    world.report.state = ReportJob.State.DONE
    world.report.save()
    client = api_as("viewer")

    listed = client.get(f"/api/reports/{world.report.pk}/").json()
    response = client.get(listed["download_url"], HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"
