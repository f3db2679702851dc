"""Playwright driving Debian's Chromium against the live test server (a pytest plugin of tests/conftest.py).

Chromium comes from Debian's package (`make test` installs it); Playwright never downloads a
browser here. A missing Chromium skips these tests locally and fails them in CI.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.factories import PASSWORD
from tests.service_checks import service_missing

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in fixtures are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CSP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
ARTIFACTS = Path(os.environ.get("CSP_TEST_ARTIFACTS", Path(__file__).resolve().parents[1] / "test-artifacts"))


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        service_missing(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def totp_code(user, *, steps_ahead: int = 0) -> str:
    """The current code of the user's authenticator app (django-otp's TOTP with the device's key)."""
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def sign_in(page):
    """sign_in(user) signs in through the real login form, and the code page when two-factor sign-in asks."""

    def _sign_in(user, password: str = PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if "/account/two-factor/verify/" in page.url:
            page.get_by_label("Code", exact=True).fill(totp_code(user))
            page.get_by_role("button", name="Continue").click()
            page.wait_for_load_state()
        return page

    return _sign_in


@pytest.fixture
def screenshot(page):
    """screenshot('name') saves a full-page PNG under test-artifacts/ for a person to look at."""

    def _shot(name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot


@pytest.fixture
def axe_violations(page):
    """axe_violations() -> serious and critical axe-core violations of the current page."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def _check() -> list[dict]:
        results = axe.run(page)
        return [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]

    return _check
