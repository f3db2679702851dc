"""A group chair's journey in Chromium: filter to red, open the item, return it; the lead officer sees why."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from csp.models import RagStatus
from plans.models import QuarterlyUpdate
from tests.factories import (
    ExpectedOutcomeFactory,
    MilestoneFactory,
    ObjectiveFactory,
    OutcomeStatusFactory,
    QuarterlyUpdateFactory,
)
from tests.plans.review_setup import build_review_world

pytestmark = pytest.mark.browser

RETURN_COMMENT = "Please say when the venue will be booked and who is funding the campaign."


@pytest.fixture
def world(transactional_db):
    world = build_review_world()
    world.plan.current_period = world.q1
    world.plan.save()
    outcome = ExpectedOutcomeFactory(objective=world.objective, number=1, text="Two awareness events held.")
    OutcomeStatusFactory(update=world.update, outcome=outcome, rag_status=RagStatus.RED, note="Not started.")
    MilestoneFactory(objective=world.objective, text="Book the venue", due_text="June 2014")
    for status in (RagStatus.GREEN, RagStatus.AMBER, RagStatus.GREEN):
        item = ObjectiveFactory(plan=world.plan, section=world.objective.section)
        item.lead_groups.add(world.odg)
        QuarterlyUpdateFactory(objective=item, period=world.q1, rag_status=status, state="submitted")
    return world


def _no_serious_violations(axe_violations, where: str) -> None:
    violations = axe_violations()
    assert violations == [], f"{where}: " + "; ".join(f"{v['id']}: {v['help']}" for v in violations)


def test_a_chair_returns_a_red_item_and_the_lead_officer_sees_why(page, sign_in, screenshot, axe_violations, world):
    sign_in(world.user("chair"))
    page.goto(reverse("plans:review_dashboard"))
    page.get_by_text("Filter and sort the items").click()
    page.get_by_label("Status", exact=True).select_option("red")
    page.get_by_role("button", name="Show items").click()
    page.wait_for_load_state()
    items = page.locator("table.app-items tbody tr")
    assert items.count() == 1
    screenshot("chair-dashboard-red")
    _no_serious_violations(axe_violations, "dashboard")

    items.first.get_by_role("link").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("DA1")
    page.get_by_label("Return it to the lead officers with a comment").check()
    page.get_by_label("Comment", exact=True).first.fill(RETURN_COMMENT)
    screenshot("chair-item-before-return")
    _no_serious_violations(axe_violations, "item page")
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_load_state()
    assert "returned the Q1 2014/15 update" in page.locator(".govuk-notification-banner").inner_text()
    screenshot("chair-item-returned")
    world.update.refresh_from_db()
    assert world.update.state == QuarterlyUpdate.State.RETURNED

    # The history of changes has its own page, linked from the item page: the return is in it.
    page.get_by_role("link", name="see the history of changes").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "History of changes"
    assert "Submitted → Returned" in page.locator("table").inner_text()
    screenshot("chair-item-history")
    _no_serious_violations(axe_violations, "history of changes")

    page.goto(reverse("plans:meeting_pack", args=[world.odg.pk]))
    expect(page.get_by_role("button", name="Print this page")).to_be_visible()
    screenshot("meeting-pack-odg")
    _no_serious_violations(axe_violations, "meeting pack")
    page.emulate_media(media="print")
    screenshot("meeting-pack-odg-print")
    page.emulate_media(media="screen")

    page.context.clear_cookies()
    sign_in(world.user("lead"))
    page.goto(reverse("plans:objective_detail", args=[world.objective.pk]))
    assert RETURN_COMMENT in page.locator(".app-review-comment").inner_text()
    screenshot("lead-item-returned")
    try:
        my_items = reverse("plans:my_items")
    except NoReverseMatch:
        return
    page.goto(my_items)
    assert "Returned" in page.locator("main").inner_text()
    screenshot("lead-my-items")
    # The returned update is listed first, linking to its own quarter (issue 13), then the current quarter's row.
    returned = page.locator(f"[data-returned-update='{world.update.pk}']")
    assert RETURN_COMMENT in returned.inner_text()
    returned.get_by_role("link", name=world.objective.title).click()
    page.wait_for_load_state()
    assert RETURN_COMMENT in page.locator("main").inner_text()
    screenshot("lead-update-page-returned")


def test_the_chair_escalates_an_item_to_the_board(page, sign_in, screenshot, axe_violations, world):
    sign_in(world.user("chair"))
    page.goto(reverse("plans:objective_detail", args=[world.objective.pk]))
    page.get_by_label("Escalate the item to the board for its next meeting").check()
    page.get_by_label("Comment", exact=True).first.fill("No venue and no funding: the board should decide.")
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_load_state()
    page.goto(reverse("plans:meeting_pack", args=[world.board.pk]))
    assert "No venue and no funding" in page.locator("main").inner_text()
    screenshot("meeting-pack-board")
    _no_serious_violations(axe_violations, "board meeting pack")


def test_a_return_without_a_comment_shows_the_error_summary(page, sign_in, screenshot, axe_violations, world):
    sign_in(world.user("chair"))
    page.goto(reverse("plans:objective_detail", args=[world.objective.pk]))
    page.get_by_label("Return it to the lead officers with a comment").check()
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert "Enter a comment" in summary.inner_text()
    screenshot("chair-item-return-error")
    _no_serious_violations(axe_violations, "item page with errors")
