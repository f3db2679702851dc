"""A user creates and revokes an API token in the browser; the page is accessible."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_creates_copies_and_revokes_a_token(page, sign_in, screenshot, axe_violations):
    user = MembershipFactory(roles=("analyst",)).user
    sign_in(user)

    page.get_by_role("link", name="API tokens").click()
    page.get_by_role("button", name="Create a token").click()
    key = page.locator("#new-token").inner_text()
    screenshot("api-token-created")

    assert key == Token.objects.get(user=user).key
    assert axe_violations() == []

    page.get_by_role("button", name="Revoke token").click()
    screenshot("api-token-revoked")

    assert page.get_by_text("Your API token is revoked").is_visible()
    assert not Token.objects.filter(user=user).exists()
    assert axe_violations() == []
