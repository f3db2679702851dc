"""A chair runs a meeting from its pack in Chromium: sets it up, approves an update, adds an action, prints."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from csp.models import RagStatus
from plans.models import Meeting, MeetingDecision, QuarterlyUpdate
from tests.browser_fixtures import ARTIFACTS
from tests.factories import ExpectedOutcomeFactory, ObjectiveFactory, OutcomeStatusFactory, QuarterlyUpdateFactory
from tests.plans.review_setup import build_review_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    world = build_review_world()
    world.update.rag_note = "No venue has been found."
    world.update.save()
    outcome = ExpectedOutcomeFactory(objective=world.objective, number=1, text="Two awareness events held.")
    OutcomeStatusFactory(update=world.update, outcome=outcome, rag_status=RagStatus.RED, note="Not started.")
    amber = ObjectiveFactory(plan=world.plan, section=world.objective.section, ref="DA2")
    amber.lead_groups.add(world.odg)
    QuarterlyUpdateFactory(
        objective=amber, period=world.q1, rag_status=RagStatus.AMBER, state="submitted", rag_note="Funding late."
    )
    return world


def _no_serious_violations(axe_violations, where: str) -> None:
    violations = axe_violations()
    assert violations == [], f"{where}: " + "; ".join(f"{v['id']}: {v['help']}" for v in violations)


def test_a_chair_sets_up_a_meeting_and_approves_an_update_from_its_pack(
    page, sign_in, screenshot, axe_violations, world
):
    sign_in(world.user("chair"))
    page.goto(reverse("plans:meeting_list", args=[world.odg.pk]))
    page.get_by_label("Date of the meeting").fill("21/07/2014")
    page.get_by_label("Minute reference (optional)").fill("ODG 14/07")
    page.get_by_role("button", name="Set up meeting").click()
    page.wait_for_load_state()
    meeting = Meeting.objects.get(group=world.odg)
    assert page.get_by_role("heading", level=1).inner_text() == "Meeting pack: Operational Delivery Group"
    item = page.locator(f"#item-{world.objective.pk}")
    assert "Reason: No venue has been found." in item.inner_text()
    screenshot("meeting-pack-before-decision")
    _no_serious_violations(axe_violations, "meeting pack")

    item.get_by_label("Approve").check()
    item.get_by_label("Note for the minutes").fill("Venue to be found by September.")
    item.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()
    assert "Update approved" in page.locator(".govuk-notification-banner").inner_text()
    world.update.refresh_from_db()
    assert world.update.state == QuarterlyUpdate.State.APPROVED
    assert MeetingDecision.objects.get().meeting == meeting

    page.get_by_label("Action", exact=True).fill("Find a venue for the campaign")
    page.get_by_label("Owner").fill("Debbie Barker")
    page.get_by_label("Due (optional)").fill("15/09/2014")
    page.get_by_role("button", name="Add action").click()
    page.wait_for_load_state()
    assert "Find a venue for the campaign" in page.locator("#action-log").locator("..").inner_text()
    screenshot("meeting-pack-after-decision")
    _no_serious_violations(axe_violations, "meeting pack after a decision")

    page.emulate_media(media="print")
    screenshot("meeting-pack-print")
    expect(page.locator(".app-pack-decision").first).not_to_be_visible()
    # Printed from the browser: the print stylesheet's @page margins and "Page X of Y" footer.
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    (ARTIFACTS / "meeting-pack-browser-print.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    pages = text.decode().count("\f")
    assert f"Page 1 of {pages}" in text.decode()
    assert "Record decision" not in text.decode()
    page.emulate_media(media="screen")


def test_a_return_without_a_comment_shows_the_error_summary_on_the_pack(
    page, sign_in, screenshot, axe_violations, world
):
    meeting = Meeting.objects.create(group=world.odg, date=dt.date(2014, 7, 21))
    sign_in(world.user("chair"))
    page.goto(reverse("plans:meeting_detail", args=[meeting.pk]))
    item = page.locator(f"#item-{world.objective.pk}")
    item.get_by_label("Return with a comment").check()
    item.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert "Enter a comment saying what the lead officers need to change" in summary.inner_text()
    screenshot("meeting-pack-error")
    _no_serious_violations(axe_violations, "meeting pack with an error")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == f"decision-update-{world.update.pk}-text"
