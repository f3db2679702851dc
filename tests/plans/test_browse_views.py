"""The plan pages: access and a constant number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans.models import QuarterlyUpdate
from tests.factories import (
    ExpectedOutcomeFactory,
    ObjectiveFactory,
    ObjectiveLeadFactory,
    PlanFactory,
    QuarterFactory,
    QuarterlyUpdateFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


def plan_with_objectives(count: int):
    plan = PlanFactory()
    quarter = QuarterFactory(partnership=plan.partnership, number=2)
    plan.current_period = quarter
    plan.save()
    section = SectionFactory(plan=plan)
    for _ in range(count):
        objective = ObjectiveFactory(plan=plan, section=section)
        ObjectiveLeadFactory(objective=objective)
        ExpectedOutcomeFactory(objective=objective)
        QuarterlyUpdateFactory(objective=objective, period=quarter, state=QuarterlyUpdate.State.SUBMITTED)
    return plan


@pytest.mark.parametrize("count", [5, 50])
def test_plan_page_runs_a_constant_number_of_queries(count, client, make_member, django_assert_max_num_queries):
    plan = plan_with_objectives(count)
    client.force_login(make_member(plan.partnership, "viewer"))
    with django_assert_max_num_queries(17):
        response = client.get(reverse("plans:plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("Amber") >= count


def test_plan_page_shows_the_chosen_quarter(client, make_member):
    plan = plan_with_objectives(1)
    q1 = QuarterFactory(partnership=plan.partnership, number=1)
    client.force_login(make_member(plan.partnership, "viewer"))
    response = client.get(reverse("plans:plan_detail", args=[plan.pk]), {"period": q1.pk})
    assert response.context["period"] == q1
    assert "No update" in response.content.decode()


def test_plan_page_never_shows_a_drafts_status_as_the_status(client, make_member):
    plan = plan_with_objectives(1)
    plan.objectives.get().updates.update(state=QuarterlyUpdate.State.DRAFT, rag_status="red")
    client.force_login(make_member(plan.partnership, "viewer"))
    page = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert ">No update</strong>" in page
    assert "Draft in progress (not counted)" in page
    assert ">Red</strong>" not in page


def test_another_partnerships_plan_is_not_found(client, make_member):
    plan = plan_with_objectives(1)
    outsider = make_member(PlanFactory().partnership, "coordinator")
    client.force_login(outsider)
    assert client.get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 404


def test_home_lists_only_my_partnerships_plans(client, make_member):
    mine = PlanFactory(title="Our plan")
    PlanFactory(title="Their plan")
    client.force_login(make_member(mine.partnership, "viewer"))
    content = client.get(reverse("home")).content.decode()
    assert "Our plan" in content
    assert "Their plan" not in content


def test_pages_need_sign_in(client):
    plan = PlanFactory()
    response = client.get(reverse("plans:plan_detail", args=[plan.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_large_plan_is_paged_keeping_the_chosen_quarter(client, make_member, django_assert_max_num_queries):
    plan = plan_with_objectives(120)
    q1 = QuarterFactory(partnership=plan.partnership, number=1)
    client.force_login(make_member(plan.partnership, "viewer"))
    url = reverse("plans:plan_detail", args=[plan.pk])
    seen = []
    for number, (first, last) in enumerate([(1, 50), (51, 100), (101, 120)], start=1):
        with django_assert_max_num_queries(17):
            response = client.get(url, {"period": q1.pk, "page": number})
        page = response.content.decode()
        assert f"Showing {first} to {last} of 120 objectives" in page
        assert response.context["period"] == q1
        # Section headings stay above the objectives of each page.
        assert page.count('<h2 class="govuk-heading-l">') >= 1
        # The page links keep the chosen quarter, and the downloads are of the whole plan.
        assert f"?period={q1.pk}&amp;page={number}#objectives" in page
        assert reverse("plans:plan_export", args=[plan.pk]) + "?format=xlsx" in page
        rows = [o.pk for _, objectives in response.context["sections"] for o in objectives]
        assert len(rows) == last - first + 1
        seen += rows
    expected = list(plan.objectives.order_by("section__position", "position", "id").values_list("pk", flat=True))
    assert seen == expected


def test_a_plan_of_fifty_objectives_is_one_page_without_pagination(client, make_member):
    plan = plan_with_objectives(50)
    client.force_login(make_member(plan.partnership, "viewer"))
    page = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert "govuk-pagination" not in page
    assert "Showing" not in page


def test_a_page_past_the_end_shows_the_last_page(client, make_member):
    plan = plan_with_objectives(51)
    client.force_login(make_member(plan.partnership, "viewer"))
    response = client.get(reverse("plans:plan_detail", args=[plan.pk]), {"page": 9})
    assert "Showing 51 to 51 of 51 objectives" in response.content.decode()
