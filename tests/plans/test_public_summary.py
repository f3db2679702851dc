"""Issue 14 point 6: a coordinator publishes an accessible public summary of a plan at a stable address."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from csp.models import RagStatus
from plans.services.public import plan_public_summary_publish
from tests.factories import MembershipFactory, ObjectiveFactory, PartnershipFactory, QuarterlyUpdateFactory
from tests.plans.test_updates_services import domestic_abuse_item

pytestmark = pytest.mark.django_db
ROLES = ["coordinator", "analyst", "lead_officer", "group_chair", "viewer"]


@pytest.fixture
def item():
    item = domestic_abuse_item()
    QuarterlyUpdateFactory(
        objective=item.objective,
        period=item.q1,
        state="approved",
        rag_status=RagStatus.RED,
        rag_note="SECRET REASON the funding was cut",
        progress="SECRET PROGRESS text",
    )
    return item


def public_address(plan):
    return reverse("public_plan", args=[plan.partnership.slug, plan.pk])


def test_unpublished_plans_are_404_to_everyone(item):
    assert Client().get(public_address(item.objective.plan)).status_code == 404


def test_a_published_summary_shows_objectives_and_status_by_quarter_and_nothing_personal(item):
    plan = plan_public_summary_publish(plan=item.objective.plan)
    page = Client().get(public_address(plan))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Raise awareness of domestic abuse" in text
    assert "Q1 2014/15" in text
    assert "Q2 2014/15" in text
    assert ">Red<" in text
    assert ">No update<" in text
    for secret in ("SECRET REASON", "SECRET PROGRESS", item.lead.name, item.lead_user.username):
        assert secret not in text


def test_the_address_needs_the_right_partnership(item):
    plan = plan_public_summary_publish(plan=item.objective.plan)
    assert Client().get(reverse("public_plan", args=["elsewhere", plan.pk])).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_only_a_coordinator_publishes_and_withdraws(role, item, client):
    plan = item.objective.plan
    client.force_login(MembershipFactory(partnership=item.partnership, roles=(role,)).user)
    url = reverse("plans:public_summary_settings", args=[plan.pk])
    response = client.post(url, {"action": "publish"})
    plan.refresh_from_db()
    if role == "coordinator":
        assert response.status_code == 302
        assert plan.public_since is not None
        client.post(url, {"action": "withdraw"})
        plan.refresh_from_db()
        assert plan.public_since is None
        assert Client().get(public_address(plan)).status_code == 404
    else:
        assert response.status_code == 403
        assert plan.public_since is None


def test_another_partnerships_plan_settings_are_404(item, client):
    other = domestic_abuse_item(PartnershipFactory(), username="other-lead")
    client.force_login(MembershipFactory(partnership=item.partnership, roles=("coordinator",)).user)
    url = reverse("plans:public_summary_settings", args=[other.objective.plan.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "publish"}).status_code == 404


def test_the_public_page_runs_a_constant_number_of_queries(item, django_assert_max_num_queries):
    plan = plan_public_summary_publish(plan=item.objective.plan)
    with django_assert_max_num_queries(8) as few:
        Client().get(public_address(plan))
    for n in range(10):
        extra = ObjectiveFactory(plan=plan, section=item.objective.section, ref=f"X{n}", title=f"Extra {n}")
        QuarterlyUpdateFactory(objective=extra, period=item.q1, state="approved", rag_status=RagStatus.GREEN)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = Client().get(public_address(plan))
    assert page.content.decode().count(">Green<") == 10
