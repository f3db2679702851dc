"""In Chromium: a chair escalates, the board's chair resolves it with a minute, the lead officer is told."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.plans.review_setup import build_review_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    world = build_review_world()
    world.plan.current_period = world.q1
    world.plan.save()
    world.board.chair = world.jag.chair  # the JAG chair chairs the board too
    world.board.save()
    return world


def _no_violations(axe_violations, where: str) -> None:
    violations = axe_violations()
    assert violations == [], f"{where}: " + "; ".join(f"{v['id']}: {v['help']}" for v in violations)


def test_escalate_resolve_and_the_lead_officer_is_told(page, sign_in, screenshot, axe_violations, world):
    sign_in(world.user("chair"))
    page.goto(reverse("plans:objective_detail", args=[world.objective.pk]))
    page.get_by_label("Escalate the item to the board for its next meeting").check()
    page.get_by_label("Comment", exact=True).first.fill("At risk: no venue and no funding for the campaign.")
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_load_state()
    assert "escalated this item" in page.locator(".govuk-notification-banner").inner_text()

    page.context.clear_cookies()
    sign_in(world.user("other_chair"))
    page.goto(reverse("home"))
    assert "Notifications (1" in page.locator(".govuk-header").inner_text()
    page.get_by_role("link", name="Escalations").click()
    page.wait_for_load_state()
    assert "At risk: no venue" in page.locator("#open-escalations").inner_text()
    screenshot("board-chair-escalations")
    _no_violations(axe_violations, "escalation list")
    page.get_by_role("link", name="Resolve").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Record the board's decision").click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    screenshot("board-chair-resolve-errors")
    _no_violations(axe_violations, "resolve page with errors")
    page.get_by_label("The board's decision").fill("Police to fund a venue from the PCC grant.")
    page.get_by_label("Minute reference").fill("RAG 14/07 item 5")
    page.get_by_role("button", name="Record the board's decision").click()
    page.wait_for_load_state()
    assert "minute RAG 14/07 item 5" in page.locator(".govuk-notification-banner").inner_text()

    page.context.clear_cookies()
    sign_in(world.user("lead"))
    page.goto(reverse("csp:notifications"))
    text = page.locator("#notification-list").inner_text()
    assert "decided (minute RAG 14/07 item 5)" in text
    assert "Police to fund a venue" in text
    screenshot("lead-notifications")
    _no_violations(axe_violations, "notifications page")
    page.get_by_role("button", name="Mark all as read").click()
    page.wait_for_load_state()
    assert "Unread" not in page.locator("#notification-list").inner_text()

    page.goto(reverse("csp:notification_preferences"))
    page.get_by_label("Once a day, in one digest").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "once a day" in page.locator(".govuk-notification-banner").inner_text()
    screenshot("lead-notification-preferences")
