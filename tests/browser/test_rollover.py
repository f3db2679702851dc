"""A coordinator starts next year's plan and sees an objective across years on its item page; pages accessible."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plans.models import Objective, Plan
from tests.factories import ObjectiveFactory
from tests.plans.review_setup import build_review_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_starts_next_years_plan_and_follows_an_objective_across_years(
    page, sign_in, screenshot, axe_violations
):
    world = build_review_world()
    ObjectiveFactory(plan=world.plan, ref="DA2", title="Refuge leaflet printed", state=Objective.State.COMPLETED)
    sign_in(world.user("coordinator"))

    page.goto(f"/plans/{world.plan.pk}/")
    page.get_by_role("link", name="Start next year's plan").click()
    expect(page.get_by_role("heading", name="1 objective will carry forward")).to_be_visible()
    expect(page.get_by_role("cell", name="Complete")).to_be_visible()
    assert axe_violations() == []
    screenshot("rollover-start-next-year")

    page.get_by_label("Title of next year's plan").fill("Community Safety Action Plan 2015/16")
    page.get_by_role("button", name="Start next year's plan").click()
    expect(page.get_by_role("heading", name="Community Safety Action Plan 2015/16")).to_be_visible()
    expect(page.get_by_text("carried forward").first).to_be_visible()
    assert axe_violations() == []
    screenshot("rollover-new-draft-plan")
    new_plan = Plan.objects.get(predecessor=world.plan)
    assert new_plan.status == Plan.Status.DRAFT

    page.get_by_role("link", name="Run a domestic abuse awareness campaign").first.click()
    across = page.locator("#across-years + table")
    assert across.get_by_role("cell", name="(this page)").count() == 1
    expect(across.get_by_text("Red")).to_be_visible()
    assert axe_violations() == []
    screenshot("rollover-item-across-years")

    across.get_by_role("link").first.click()
    assert page.url.endswith(f"/plans/objectives/{world.objective.pk}/")
    expect(page.get_by_role("heading", name="This objective across years")).to_be_visible()
