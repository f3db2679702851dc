"""A user creates, lists and revokes a named API token in the browser; the page is accessible."""

from __future__ import annotations

import pytest
from knox.crypto import hash_token
from playwright.sync_api import expect

from csp.tokens import ApiToken
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_creates_copies_and_revokes_a_token(page, sign_in, screenshot, axe_violations):
    user = MembershipFactory(roles=("analyst",)).user
    sign_in(user)

    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("Police spreadsheet")
    page.get_by_label("Read only").check()
    page.get_by_role("button", name="Create a token").click()
    key = page.locator("#new-token").inner_text()
    screenshot("api-token-created")

    token = ApiToken.objects.get(user=user)
    assert token.digest == hash_token(key)
    assert (token.name, token.read_only) == ("Police spreadsheet", True)
    expect(page.get_by_role("rowheader", name="Police spreadsheet")).to_be_visible()
    assert axe_violations() == []

    page.get_by_role("button", name="Revoke Police spreadsheet").click()
    screenshot("api-token-revoked")

    expect(page.get_by_text("The token is revoked")).to_be_visible()
    assert not ApiToken.objects.filter(user=user).exists()
    assert axe_violations() == []
