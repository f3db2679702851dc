"""A lead officer's quarter in real Chromium: my items, write an update, save a draft, submit."""

from __future__ import annotations

import pytest

from csp.models import RagStatus
from plans.models import QuarterlyUpdate
from tests.factories import OutcomeStatusFactory, QuarterlyUpdateFactory
from tests.plans.test_updates_services import domestic_abuse_item

pytestmark = pytest.mark.browser


@pytest.fixture
def item(transactional_db):
    item = domestic_abuse_item(username="debbie.barker")
    previous = QuarterlyUpdateFactory(
        objective=item.objective,
        period=item.q1,
        state=QuarterlyUpdate.State.APPROVED,
        rag_status=RagStatus.AMBER,
        progress="Q1: the campaign plan was agreed at the ODG; posters ordered.",
    )
    OutcomeStatusFactory(update=previous, outcome=item.outcomes[0], rag_status=RagStatus.AMBER, note="On target")
    OutcomeStatusFactory(update=previous, outcome=item.outcomes[1], rag_status=RagStatus.RED, note="Not started")
    return item


def assert_accessible(axe_violations, page_name):
    violations = axe_violations()
    assert violations == [], f"{page_name}: " + "; ".join(f"{v['id']}: {v['help']}" for v in violations)


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching the selector has focus."""
    target = page.locator(selector).first.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("el => document.activeElement === el", target):
            return
    raise AssertionError(f"Tab never reached {selector}")


def press_and_wait(page, key: str) -> None:
    """Press a key that follows a link or submits a form, and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def test_login_page_has_no_serious_accessibility_violations(page, live_server, axe_violations, screenshot):
    page.goto("/accounts/login/")
    screenshot("issue3-login")
    assert_accessible(axe_violations, "login")


def test_lead_officer_writes_saves_and_submits_an_update(item, page, sign_in, screenshot, axe_violations):
    sign_in(item.lead_user)
    page.goto("/plans/my-items/")
    row = page.locator(f"tr[data-objective='{item.objective.pk}']")
    assert "Not started" in row.inner_text()
    screenshot("issue3-my-items-before")
    assert_accessible(axe_violations, "my items")

    row.get_by_role("link").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Q2 2014/15 update: 2.1")
    assert "Q1: the campaign plan was agreed" in page.locator(".app-previous").inner_text()
    screenshot("issue3-update-empty")
    assert_accessible(axe_violations, "update page")

    page.get_by_label("Progress this quarter").fill("White Ribbon event booked for 25 November.")
    page.get_by_role("radio", name="Amber", exact=True).check()
    page.get_by_label("Why is the overall status amber or red?").fill("Venue not yet confirmed.")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()
    assert "Draft saved" in page.locator(".govuk-notification-banner").inner_text()
    assert page.get_by_label("Progress this quarter").input_value() == "White Ribbon event booked for 25 November."

    first, second = item.outcomes
    page.get_by_role("radio", name="Green for outcome 1").check()
    page.get_by_role("radio", name="Amber for outcome 2").check()
    page.get_by_label("Note on outcome 2").fill("Reporting steady; campaign in November.")
    page.get_by_role("checkbox", name="White Ribbon event held").check()
    page.get_by_label("Spend to date").fill("1,250")
    screenshot("issue3-update-filled")
    page.get_by_role("button", name="Submit update").click()
    page.wait_for_load_state()

    assert page.url.endswith("/plans/my-items/")
    assert "was submitted" in page.locator(".govuk-notification-banner").inner_text()
    assert "Submitted" in page.locator(f"tr[data-objective='{item.objective.pk}']").inner_text()
    screenshot("issue3-my-items-after")
    update = QuarterlyUpdate.objects.get(period=item.q2)
    assert update.state == QuarterlyUpdate.State.SUBMITTED
    assert {s.outcome_id: s.rag_status for s in update.outcome_statuses.all()} == {
        first.pk: "green",
        second.pk: "amber",
    }


def test_a_red_status_without_a_note_is_refused_with_a_message(item, page, sign_in, screenshot, axe_violations):
    sign_in(item.lead_user)
    page.goto(f"/plans/objectives/{item.objective.pk}/updates/{item.q2.pk}/")
    page.get_by_label("Progress this quarter").fill("Campaign postponed.")
    page.get_by_role("radio", name="Red", exact=True).check()
    page.get_by_role("radio", name="Red for outcome 1").check()
    page.get_by_role("radio", name="Green for outcome 2").check()
    page.get_by_role("button", name="Submit update").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert "Enter why the overall status is red" in summary.inner_text()
    assert "Enter why outcome 1 is red" in summary.inner_text()
    assert page.get_by_label("Progress this quarter").input_value() == "Campaign postponed."
    assert page.get_by_role("radio", name="Red", exact=True).is_checked()
    screenshot("issue3-update-errors")
    assert_accessible(axe_violations, "update page with errors")
    summary.get_by_role("link", name="Enter why the overall status is red").click()
    assert page.evaluate("document.activeElement.id") == "id_rag_note"
    assert not QuarterlyUpdate.objects.filter(period=item.q2).exists()


def test_the_journey_works_with_the_keyboard_alone(item, page, live_server):
    page.goto("/accounts/login/")
    tab_to(page, "#id_username")
    page.keyboard.type(item.lead_user.username)
    page.keyboard.press("Tab")
    page.keyboard.type("test-password-123")
    press_and_wait(page, "Enter")

    tab_to(page, "header a:text('My items')")
    press_and_wait(page, "Enter")
    tab_to(page, f"tr[data-objective='{item.objective.pk}'] a")
    press_and_wait(page, "Enter")

    tab_to(page, "#id_progress")
    page.keyboard.type("Written with the keyboard only.")
    page.keyboard.press("Tab")  # the overall status: focus lands on the first radio, Green
    page.keyboard.press("Space")
    for outcome in item.outcomes:
        tab_to(page, f"#id_outcome-{outcome.pk}-rag_status")
        page.keyboard.press("Space")
    tab_to(page, "button[value='save']")
    press_and_wait(page, "Enter")
    assert "Draft saved" in page.content()

    tab_to(page, "button[value='submit']")
    press_and_wait(page, "Enter")
    assert page.url.endswith("/plans/my-items/")
    update = QuarterlyUpdate.objects.get(period=item.q2)
    assert update.state == QuarterlyUpdate.State.SUBMITTED
    assert update.progress == "Written with the keyboard only."
    assert update.rag_status == RagStatus.GREEN
