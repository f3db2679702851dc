"""Chromium: a coordinator sets up two-factor sign-in and signs in with a code; pages work under the CSP."""

from __future__ import annotations

import base64
import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.browser_fixtures import totp_code
from tests.factories import PASSWORD
from tests.plans.review_setup import build_review_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    world = build_review_world()
    world.plan.current_period = world.q1
    world.plan.save()
    return world


@pytest.fixture
def console_problems(page):
    """Console errors and page errors (a Content-Security-Policy violation is a console error).

    Chromium also logs every 4xx answer ("Failed to load resource"), such as the 400 of a form
    with an error; those are not problems of the page.
    """
    problems: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def _no_serious_violations(axe_violations, where: str) -> None:
    violations = axe_violations()
    assert violations == [], f"{where}: " + "; ".join(f"{v['id']}: {v['help']}" for v in violations)


def code_from_secret(secret_text: str) -> str:
    """What an authenticator app shows for the secret the set-up page prints."""
    key = base64.b32decode(secret_text.replace(" ", "") + "=" * (-len(secret_text.replace(" ", "")) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_a_coordinator_sets_up_two_factor_sign_in_and_signs_in_with_a_code(
    page, settings, world, screenshot, axe_violations, console_problems
):
    settings.TWO_FACTOR_ENFORCED = True
    coordinator = world.user("coordinator")

    page.goto(reverse("login"))
    page.get_by_label("Username").fill(coordinator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Set up two-factor sign-in"
    expect(page.locator(".app-qr-code svg")).to_be_visible()
    screenshot("two-factor-set-up")
    _no_serious_violations(axe_violations, "set-up page")

    page.get_by_label("Code", exact=True).fill("000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _no_serious_violations(axe_violations, "set-up page with an error")

    # A wrong code throttles the next try for a second (django-otp, OTP_TOTP_THROTTLE_FACTOR): wait it out.
    page.wait_for_timeout(2100)
    page.get_by_label("Code", exact=True).fill(code_from_secret(page.locator("#totp-secret").inner_text()))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.wait_for_load_state()
    assert page.locator("#recovery-codes li").count() == 10
    screenshot("two-factor-recovery-codes")
    _no_serious_violations(axe_violations, "recovery codes")
    page.get_by_role("link", name="Continue").click()
    page.wait_for_load_state()
    assert page.url.endswith("/")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "You have signed out"
    page.goto(reverse("login"))
    page.get_by_label("Username").fill(coordinator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Enter your security code"
    screenshot("two-factor-verify")
    _no_serious_violations(axe_violations, "code page")
    page.get_by_label("Code", exact=True).fill(totp_code(coordinator, steps_ahead=1))  # the set-up code is spent
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    page.goto(reverse("plans:review_dashboard"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/account/two-factor/" not in page.url

    assert console_problems == []


PAGES = [
    "home",
    "plans:my_items",
    "plans:review_dashboard",
    "reporting:report_list",
    "csp:api_tokens",
    "csp:two_factor",
]


def test_pages_work_under_the_content_security_policy(page, sign_in, world, screenshot, console_problems):
    sign_in(world.user("coordinator"))

    for name in PAGES:
        page.goto(reverse(name))
        page.wait_for_load_state("networkidle")
        classes = page.evaluate("document.body.className")
        assert "govuk-frontend-supported" in classes, name
        assert page.evaluate("typeof window.htmx") == "object", name
        # GOV.UK Frontend's initAll ran (from static/js/app.js): each component marks itself initialised.
        assert page.locator("[data-govuk-skip-link-init]").count() == 1, name
        assert page.locator("[data-module=govuk-button]:not([data-govuk-button-init])").count() == 0, name
    page.goto(reverse("plans:meeting_pack", args=[world.odg.pk]))
    page.wait_for_load_state("networkidle")
    screenshot("csp-meeting-pack")

    assert console_problems == []


@pytest.mark.parametrize(("name", "selector"), [("swagger-ui", ".swagger-ui .info"), ("redoc", "redoc h1, .api-info")])
def test_the_api_documentation_renders_under_its_policy(page, sign_in, world, console_problems, name, selector):
    sign_in(world.user("coordinator"))

    page.goto(reverse(name))
    page.locator(selector).first.wait_for(state="visible")

    # Redoc's "API docs by Redocly" logo comes from Redocly's CDN: blocking it is the policy working.
    assert [problem for problem in console_problems if "cdn.redoc.ly/redoc/logo-mini.svg" not in problem] == []
