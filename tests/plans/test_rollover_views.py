"""The 'Start next year's plan' page, the plan page's links and the item page across years (issue 11 point 4)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans.models import Objective, Plan
from plans.services.rollover import plan_start_next_year
from tests.factories import ObjectiveFactory

from .review_setup import ROLES, build_review_world


@pytest.fixture
def world(db):
    world = build_review_world()
    ObjectiveFactory(plan=world.plan, ref="DA2", title="Finished campaign", state=Objective.State.COMPLETED)
    return world


def _url(world):
    return reverse("plans:plan_start_next_year", args=[world.plan.pk])


EXPECTED_GET = {
    "coordinator": 200,
    "chair": 403,
    "other_chair": 403,
    "lead": 403,
    "analyst": 403,
    "viewer": 403,
    "outsider": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_page(client, world, role):
    client.force_login(world.user(role))
    assert client.get(_url(world)).status_code == EXPECTED_GET[role]


@pytest.mark.parametrize("role", ROLES)
def test_who_may_start_next_years_plan(client, world, role):
    client.force_login(world.user(role))
    response = client.post(_url(world), {"title": "Next year"})
    started = Plan.objects.filter(predecessor=world.plan).exists()
    if role == "coordinator":
        assert response.status_code == 302
        assert started
    else:
        assert response.status_code == EXPECTED_GET[role]
        assert not started


def test_signed_out_goes_to_sign_in(client, world):
    response = client.get(_url(world))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "/accounts/" in response["Location"]


def test_a_missing_plan_is_404(client, world):
    client.force_login(world.user("coordinator"))
    assert client.get(reverse("plans:plan_start_next_year", args=[999999])).status_code == 404


def test_the_page_says_what_carries_and_what_does_not(client, world):
    client.force_login(world.user("coordinator"))
    page = client.get(_url(world)).text
    assert "1 objective will carry forward" in page
    assert "DA1 Run a domestic abuse awareness campaign" in page
    assert "1 objective will not carry forward" in page
    assert "DA2 Finished campaign" in page
    assert "Complete" in page


def test_starting_lands_on_the_new_draft_plan(client, world):
    client.force_login(world.user("coordinator"))
    response = client.post(_url(world), {"title": "Action plan 2015/16"}, follow=True)
    new_plan = Plan.objects.get(predecessor=world.plan)
    assert response.redirect_chain[-1][0] == reverse("plans:plan_detail", args=[new_plan.pk])
    assert new_plan.status == Plan.Status.DRAFT
    assert "Next year&#x27;s plan has been started as a draft with 1 objective carried forward." in response.text
    assert "Started from" in response.text


def test_an_empty_title_shows_an_error_beside_the_field(client, world):
    client.force_login(world.user("coordinator"))
    response = client.post(_url(world), {"title": ""})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.text
    assert "Enter the title of next year" in response.text
    assert not Plan.objects.filter(predecessor=world.plan).exists()


def test_a_second_start_is_refused_with_a_message(client, world):
    plan_start_next_year(world.plan, by=world.user("coordinator"), title="First")
    client.force_login(world.user("coordinator"))
    response = client.post(_url(world), {"title": "Second"})
    assert response.status_code == 400
    assert "already been started from this plan: First" in response.text
    assert Plan.objects.filter(predecessor=world.plan).count() == 1


def test_a_title_in_use_is_shown_beside_the_field(client, world):
    client.force_login(world.user("coordinator"))
    response = client.post(_url(world), {"title": world.plan.title})
    assert response.status_code == 400
    assert 'id="id_title-error"' in response.text


@pytest.mark.parametrize(("role", "shown"), [("coordinator", True), ("chair", False), ("viewer", False)])
def test_the_plan_page_offers_the_button_to_coordinators_only(client, world, role, shown):
    client.force_login(world.user(role))
    page = client.get(reverse("plans:plan_detail", args=[world.plan.pk])).text
    assert (_url(world) in page) is shown


def test_the_new_draft_plan_offers_its_quarters_and_no_second_start(client, world):
    new_plan = plan_start_next_year(world.plan, by=world.user("coordinator"), title="Action plan 2015/16")
    client.force_login(world.user("coordinator"))
    page = client.get(reverse("plans:plan_detail", args=[new_plan.pk])).text
    assert "Q1 2015/16</option>" in page
    assert "Q4 2015/16</option>" in page
    assert reverse("plans:plan_start_next_year", args=[new_plan.pk]) not in page


def test_the_item_page_shows_the_objective_across_years(client, world):
    new_plan = plan_start_next_year(world.plan, by=world.user("coordinator"), title="Action plan 2015/16")
    carried = new_plan.objectives.get()
    client.force_login(world.user("viewer"))
    page = client.get(reverse("plans:objective_detail", args=[carried.pk])).text
    assert "This objective across years" in page
    assert reverse("plans:objective_detail", args=[world.objective.pk]) in page
    # Last year's counted update was red: the status rule's words, beside that year's plan.
    assert "Red" in page
    assert "No update" in page


def test_a_read_only_item_page_says_so_and_offers_no_forms(client, world):
    new_plan = plan_start_next_year(world.plan, by=world.user("coordinator"), title="Action plan 2015/16")
    new_plan.status = Plan.Status.LIVE
    new_plan.save()
    client.force_login(world.user("chair"))
    page = client.get(reverse("plans:objective_detail", args=[world.objective.pk])).text
    assert "This plan is read-only: next year's plan is live." in page
    assert reverse("plans:objective_detail", args=[new_plan.objectives.get().pk]) in page
    assert 'name="review-' not in page
    assert 'name="comment-text"' not in page


def test_a_review_posted_to_a_read_only_plan_changes_nothing(client, world):
    new_plan = plan_start_next_year(world.plan, by=world.user("coordinator"), title="Action plan 2015/16")
    new_plan.status = Plan.Status.LIVE
    new_plan.save()
    client.force_login(world.user("chair"))
    response = client.post(
        reverse("plans:update_review", args=[world.update.pk]),
        {f"review-{world.update.pk}-decision": "approve"},
    )
    assert response.status_code in (400, 403)
    world.update.refresh_from_db()
    assert world.update.state == "submitted"


def test_the_item_page_of_a_four_year_chain_stays_within_its_query_budget(client, world, django_assert_max_num_queries):
    plan = world.plan
    for year in range(3):
        plan = plan_start_next_year(plan, by=world.user("coordinator"), title=f"Plan {year}")
        plan.status = Plan.Status.LIVE
        plan.save()
    client.force_login(world.user("viewer"))
    with django_assert_max_num_queries(60):
        assert client.get(reverse("plans:objective_detail", args=[world.objective.pk])).status_code == 200


def test_an_update_posted_to_a_read_only_plan_shows_the_message_and_saves_nothing(client, world):
    new_plan = plan_start_next_year(world.plan, by=world.user("coordinator"), title="Action plan 2015/16")
    new_plan.status = Plan.Status.LIVE
    new_plan.save()
    client.force_login(world.user("lead"))
    response = client.post(
        reverse("plans:update_edit", args=[world.objective.pk, world.q2.pk]),
        {"version": 0, "progress": "More work", "rag_status": "green", "action": "save"},
    )
    assert response.status_code == 200  # the update page answers its form errors with 200
    assert "govuk-error-summary" in response.text
    assert "is read-only: next year" in response.text
    assert not world.objective.updates.filter(period=world.q2).exists()
