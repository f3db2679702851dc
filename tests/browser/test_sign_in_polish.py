"""Sign-in errors, the last-attempt warning, the signed-out page and the 404 page in real Chromium, with axe
(including its 'region' rule: the phase banner must sit in a landmark)."""

from __future__ import annotations

import pytest

from tests.factories import MembershipFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def lead(transactional_db):
    return MembershipFactory(username="lena", roles=("lead_officer",)).user


def region_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "rule", "values": ["region", "landmark-one-main"]}})
    return [v["id"] for v in results.response["violations"]]


def test_sign_in_errors_in_govuk_words_and_a_last_attempt_warning(lead, page, screenshot, axe_violations, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter your username" in summary
    assert "Enter your password" in summary
    screenshot("issue13-sign-in-empty")
    assert axe_violations() == []
    assert region_violations(page) == []

    for _ in range(2):
        page.get_by_label("Username").fill("lena")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
    assert "Enter a correct username and password" in page.locator(".govuk-error-summary").inner_text()
    assert "You have one more attempt" in page.locator(".govuk-warning-text").inner_text()
    screenshot("issue13-sign-in-last-attempt")
    assert axe_violations() == []


def test_signed_out_page_and_404_keep_the_banner_in_a_landmark(lead, page, sign_in, screenshot, axe_violations):
    sign_in(lead)
    assert region_violations(page) == []
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "You have signed out"
    screenshot("issue13-signed-out")
    assert axe_violations() == []
    assert region_violations(page) == []

    page.goto("/no-such-page/")
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    screenshot("issue13-404")
    assert region_violations(page) == []
