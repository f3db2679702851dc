"""Nothing typed is lost, in real Chromium: copy last quarter, the timeout warning, a save after the session
ended, leaving a changed form; and the chairs' inbox."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from csp.models import RagStatus
from plans.models import QuarterlyUpdate
from tests.browser.test_lead_officer_journey import assert_accessible
from tests.browser.test_lead_officer_journey import item as item  # noqa: F401 - the fixture, shared
from tests.browser_fixtures import ARTIFACTS
from tests.factories import PASSWORD, QuarterlyUpdateFactory
from tests.plans.review_setup import build_review_world

pytestmark = pytest.mark.browser


def update_url(item) -> str:
    return f"/plans/objectives/{item.objective.pk}/updates/{item.q2.pk}/"


def test_copy_last_quarter_keeps_typed_text(item, page, sign_in, screenshot, axe_violations):  # noqa: F811
    sign_in(item.lead_user)
    page.goto(update_url(item))
    page.get_by_label("Progress this quarter").fill("Typed before copying: White Ribbon booked.")
    asked = []

    def keep_my_text(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", keep_my_text)
    page.get_by_role("button", name="Copy last quarter's text").click()
    assert len(asked) == 1
    assert "Progress this quarter" in asked[0]
    assert page.get_by_label("Progress this quarter").input_value() == "Typed before copying: White Ribbon booked."
    # Empty fields took last quarter's values; the page did not reload.
    assert page.get_by_label("Note on outcome 2").input_value() == "Not started"
    assert page.get_by_role("radio", name="Amber", exact=True).is_checked()
    assert "the text you had typed is kept" in page.locator("#copy-status").inner_text()
    screenshot("issue13-copy-kept-typed")
    assert_accessible(axe_violations, "update page after copying")

    page.remove_listener("dialog", keep_my_text)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Copy last quarter's text").click()
    assert page.get_by_label("Progress this quarter").input_value().startswith("Q1: the campaign plan was agreed")


def test_the_timeout_warning_offers_to_stay_signed_in(item, page, sign_in, settings, screenshot, axe_violations):  # noqa: F811
    settings.SESSION_COOKIE_AGE = 6
    sign_in(item.lead_user)
    page.goto("/plans/my-items/")
    dialog = page.locator("#timeout-warning")
    dialog.wait_for(state="visible", timeout=8_000)
    assert "You are about to be signed out" in dialog.inner_text()
    screenshot("issue13-timeout-warning")
    assert_accessible(axe_violations, "timeout warning")
    settings.SESSION_COOKIE_AGE = 600
    page.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden")
    page.goto("/plans/my-items/")
    assert page.url.endswith("/plans/my-items/")  # still signed in


def test_a_save_after_the_session_ended_comes_back_after_sign_in(item, page, sign_in, screenshot, axe_violations):  # noqa: F811
    sign_in(item.lead_user)
    page.goto(update_url(item))
    page.get_by_label("Progress this quarter").fill("An hour of typing that must not be lost.")
    Session.objects.all().delete()  # the idle timeout ended the session meanwhile
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    assert "Sign in again and we will put back what you typed" in page.content()
    screenshot("issue13-signed-out-save-kept")
    page.get_by_label("Username").fill(item.lead_user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "We kept what you typed; check and save." in page.locator("[data-app-restored]").inner_text()
    assert page.get_by_label("Progress this quarter").input_value() == "An hour of typing that must not be lost."
    screenshot("issue13-restored-after-sign-in")
    assert_accessible(axe_violations, "restored update")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()
    assert QuarterlyUpdate.objects.get(period=item.q2).progress == "An hour of typing that must not be lost."


def test_leaving_a_changed_form_warns(item, page, sign_in):  # noqa: F811
    sign_in(item.lead_user)
    page.goto(update_url(item))
    page.get_by_label("Progress this quarter").type("Half a sentence")
    kinds = []
    page.on("dialog", lambda dialog: (kinds.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert kinds == ["beforeunload"]


def test_the_conflict_screen_shows_who_saved_and_what_differs(item, page, sign_in, screenshot, axe_violations):  # noqa: F811
    sign_in(item.lead_user)
    page.goto(update_url(item))
    page.get_by_label("Progress this quarter").fill("Two campaigns run in August.")
    QuarterlyUpdateFactory(
        objective=item.objective, period=item.q2, progress="Two campaigns run in July.", author=item.lead_user
    )
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()
    conflict = page.locator(".app-conflict")
    assert "Saved by" in conflict.inner_text()
    assert conflict.locator(".app-diff del").first.inner_text() == "July."
    assert conflict.locator(".app-diff ins").first.inner_text() == "August."
    screenshot("issue13-conflict")
    assert_accessible(axe_violations, "conflict screen")


@pytest.fixture
def inbox_world(transactional_db):
    world = build_review_world(prefix="browser-")
    world.second = QuarterlyUpdateFactory(
        objective=world.objective,
        period=world.q2,
        rag_status=RagStatus.GREEN,
        state=QuarterlyUpdate.State.SUBMITTED,
        progress="Campaign held.",
        author=world.user("lead"),
        submitted_by=world.user("lead"),
        submitted_at=timezone.now(),
    )
    return world


def test_a_chair_approves_several_updates_from_the_inbox(inbox_world, page, sign_in, screenshot, axe_violations):
    sign_in(inbox_world.user("chair"))
    page.goto("/plans/review/inbox/")
    screenshot("issue13-inbox")
    assert_accessible(axe_violations, "review inbox")
    page.get_by_role("button", name="Return selected").click()
    page.wait_for_load_state()
    assert "Select at least one update" in page.locator(".govuk-error-summary").inner_text()
    page.locator(f"#update-{inbox_world.update.pk}").check()
    page.locator(f"#update-{inbox_world.second.pk}").check()
    page.get_by_role("button", name="Return selected").click()
    page.wait_for_load_state()
    assert "Enter a comment" in page.locator(".govuk-error-summary").inner_text()
    assert page.locator(f"#update-{inbox_world.second.pk}").is_checked()
    screenshot("issue13-inbox-error")
    assert_accessible(axe_violations, "review inbox with errors")
    page.get_by_role("button", name="Approve selected").click()
    page.wait_for_load_state()
    assert "You approved 2 updates." in page.locator(".govuk-notification-banner").inner_text()
    assert set(QuarterlyUpdate.objects.values_list("state", flat=True)) == {"approved"}


def test_copy_without_javascript_asks_before_replacing_typed_text(item, browser, live_server):  # noqa: F811
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(item.lead_user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(update_url(item))
        page.get_by_label("Progress this quarter").fill("Typed with no script.")
        page.get_by_role("button", name="Copy last quarter's text").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == "Replace what you typed with last quarter's text?"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "issue13-copy-confirm-no-js.png"), full_page=True)
        page.get_by_role("button", name="Keep my text, copy only into empty fields").click()
        page.wait_for_load_state()
        assert page.get_by_label("Progress this quarter").input_value() == "Typed with no script."
        assert page.get_by_label("Note on outcome 2").input_value() == "Not started"
        assert not QuarterlyUpdate.objects.filter(period=item.q2).exists()
    finally:
        context.close()
