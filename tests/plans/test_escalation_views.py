"""The board's escalation pages: who may see and resolve, errors, the dashboard (issue 13 point 2)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from csp.models import Notification
from plans.models import Escalation
from plans.services.reviews import update_escalate

from .review_setup import ROLES, build_review_world


@pytest.fixture
def world(db):
    world = build_review_world()
    world.board.chair = world.jag.chair  # the JAG chair chairs the board too
    world.board.save()
    return world


@pytest.fixture
def escalation(world):
    return update_escalate(reviewer=world.user("chair"), update=world.update, note="At risk: no venue.")


# 200 shown, 403 seen but not theirs to resolve, 404 another partnership's.
MAY_RESOLVE = {
    "coordinator": 200,
    "other_chair": 200,
    "chair": 403,
    "lead": 403,
    "analyst": 403,
    "viewer": 403,
    "outsider": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_the_partnerships_open_escalations_to_its_members_only(world, escalation, client, role):
    client.force_login(world.user(role))
    page = client.get(reverse("plans:escalation_list")).content.decode()
    assert ("At risk: no venue." in page) is (role != "outsider")
    resolve_url = reverse("plans:escalation_resolve", args=[escalation.pk])
    assert (resolve_url in page) is (MAY_RESOLVE[role] == 200)


@pytest.mark.parametrize("role", ROLES)
def test_resolve_page_permission_matrix(world, escalation, client, role):
    client.force_login(world.user(role))
    url = reverse("plans:escalation_resolve", args=[escalation.pk])
    assert client.get(url).status_code == MAY_RESOLVE[role]
    response = client.post(url, {"decision": "Fund it.", "minute_reference": "RAG 5"})
    assert response.status_code == (302 if MAY_RESOLVE[role] == 200 else MAY_RESOLVE[role])
    escalation.refresh_from_db()
    assert (escalation.resolved_at is not None) is (MAY_RESOLVE[role] == 200)


def test_a_missing_escalation_is_a_404(world, client):
    client.force_login(world.user("coordinator"))
    assert client.get(reverse("plans:escalation_resolve", args=[999999])).status_code == 404


def test_resolving_records_the_minute_leaves_the_list_and_tells_the_lead(world, escalation, client):
    client.force_login(world.user("other_chair"))
    response = client.post(
        reverse("plans:escalation_resolve", args=[escalation.pk]),
        {"decision": "Police to fund a venue.", "minute_reference": "RAG 14/07 item 5"},
        follow=True,
    )
    page = response.content.decode()
    assert "minute RAG 14/07 item 5" in page
    assert "There are no open escalations." in page
    escalation.refresh_from_db()
    assert escalation.minute_reference == "RAG 14/07 item 5"
    assert Notification.objects.filter(user=world.user("lead"), kind=Notification.Kind.ESCALATION_RESOLVED).exists()


def test_missing_fields_show_the_error_summary_and_write_nothing(world, escalation, client):
    client.force_login(world.user("other_chair"))
    response = client.post(
        reverse("plans:escalation_resolve", args=[escalation.pk]), {"decision": " ", "minute_reference": ""}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Enter the board&#x27;s decision" in page
    assert "Enter the minute reference" in page
    escalation.refresh_from_db()
    assert escalation.resolved_at is None


def test_a_decision_over_the_limit_is_refused_next_to_the_field(world, escalation, client):
    client.force_login(world.user("other_chair"))
    response = client.post(
        reverse("plans:escalation_resolve", args=[escalation.pk]), {"decision": "x" * 5001, "minute_reference": "5"}
    )
    assert response.status_code == 400
    assert "5,000 characters or fewer" in response.content.decode()


def test_resolving_twice_shows_a_message_not_a_500(world, escalation, client):
    client.force_login(world.user("other_chair"))
    url = reverse("plans:escalation_resolve", args=[escalation.pk])
    client.post(url, {"decision": "Fund it.", "minute_reference": "5"})
    response = client.post(url, {"decision": "Again.", "minute_reference": "6"})
    assert response.status_code == 400
    assert "already resolved" in response.content.decode()
    escalation.refresh_from_db()
    assert escalation.minute_reference == "5"


def test_the_review_dashboard_shows_the_plans_escalated_items(world, escalation, client):
    client.force_login(world.user("chair"))
    page = client.get(reverse("plans:review_dashboard")).content.decode()
    assert "Escalated to the board" in page
    assert "At risk: no venue." in page


def test_the_list_runs_a_constant_number_of_queries(world, client, django_assert_max_num_queries):
    from tests.factories import ObjectiveFactory, QuarterlyUpdateFactory

    for i in range(15):
        objective = ObjectiveFactory(plan=world.plan, ref=f"X{i}")
        update = QuarterlyUpdateFactory(objective=objective, period=world.q1, state="submitted")
        Escalation.objects.create(
            objective=objective, update=update, board=world.board, note=f"Note {i}", raised_by=world.user("chair")
        )
    client.force_login(world.user("coordinator"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("plans:escalation_list"))
    assert response.content.decode().count("Note ") == 15
