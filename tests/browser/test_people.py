"""A coordinator invites someone, gives them roles; the invited person sets a password from the e-mail and signs in."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from csp.models import Membership
from tests.browser_fixtures import ARTIFACTS
from tests.factories import GroupFactory, MembershipFactory, PartnershipFactory, PersonFactory, PlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "lantern orchard pebble"


def serious_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


def test_coordinator_invites_a_lead_officer_who_sets_a_password_and_signs_in(
    browser, live_server, page, sign_in, screenshot, axe_violations
):
    partnership = PartnershipFactory(name="Stevenage Community Safety Partnership")
    PlanFactory(partnership=partnership, title="Safer Stevenage action plan 2014/15")
    person = PersonFactory(partnership=partnership, name="Debbie Barker", job_title="Community Safety Manager")
    GroupFactory(partnership=partnership, name="Operational Delivery Group")
    PersonFactory(partnership=PartnershipFactory(), name="Someone Elsewhere")
    coordinator = MembershipFactory(
        partnership=partnership, roles=("coordinator",), first_name="Cora", last_name="Ord"
    ).user
    sign_in(coordinator)

    page.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="People and roles")).to_be_visible()
    page.get_by_role("button", name="Invite someone").click()
    assert "Someone Elsewhere" not in page.locator("#id_person").inner_text()

    # A lead officer without a person: the error shows above the form and beside the field.
    page.get_by_label("Full name").fill("Debbie Barker")
    page.get_by_label("E-mail address").fill("debbie.barker@example.org")
    page.get_by_label("Lead officer").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.locator("#id_person-error")).to_be_visible()
    screenshot("people-invite-error")
    assert axe_violations() == []

    page.get_by_label("Person").select_option(label=str(person))
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Debbie Barker is invited")).to_be_visible()
    row = page.locator("tr", has_text="debbie.barker@example.org")
    expect(row.get_by_text("Invited")).to_be_visible()
    screenshot("people-list")
    assert axe_violations() == []

    row.get_by_role("link", name="Debbie Barker").click()
    page.get_by_label("Viewer").check()
    page.get_by_role("button", name="Save roles").click()
    expect(page.get_by_text("Roles saved.")).to_be_visible()
    screenshot("people-member")
    assert axe_violations() == []
    membership = Membership.objects.get(user__email="debbie.barker@example.org")
    assert membership.role_set == {"lead_officer", "viewer"}

    page.get_by_role("button", name="Deactivate the account").click()
    expect(page.get_by_role("heading", name="Deactivate Debbie Barker's account?")).to_be_visible()
    screenshot("people-deactivate-confirm")
    assert axe_violations() == []

    # The invited person opens the link in the e-mail, in their own browser.
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/account/invite/\S+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    invited = context.new_page()
    try:
        invited.goto(path)
        expect(invited.get_by_role("heading", name="Choose your password")).to_be_visible()
        assert serious_violations(invited) == []
        invited.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        invited.get_by_label("New password confirmation").fill(NEW_PASSWORD)
        invited.screenshot(path=str(ARTIFACTS / "people-set-password.png"), full_page=True)
        invited.get_by_role("button", name="Set password").click()
        expect(invited.get_by_text("Your password is set")).to_be_visible()

        invited.get_by_label("Username").fill("debbie.barker@example.org")
        invited.get_by_label("Password").fill(NEW_PASSWORD)
        invited.get_by_role("button", name="Sign in").click()
        invited.wait_for_load_state()
        invited.goto("/")
        expect(invited.get_by_text("Safer Stevenage action plan 2014/15").first).to_be_visible()
        invited.screenshot(path=str(ARTIFACTS / "people-invited-home.png"), full_page=True)

        # The link works once.
        invited.goto(path)
        expect(invited.get_by_role("heading", name="This invitation link does not work")).to_be_visible()
    finally:
        context.close()
