"""Issue 13: one quarter's whole cycle in Chromium, through every role's own pages.

The lead submits; the chair is told, returns it from the inbox with one comment; the lead sees it
first in My items and resubmits; the chair approves from the meeting pack and escalates; the
board's chair resolves it; the lead officer is told. axe on each page.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans.models import Escalation, MeetingDecision, QuarterlyUpdate
from tests.plans.review_setup import build_review_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    world = build_review_world(update_state=QuarterlyUpdate.State.DRAFT, prefix="cycle-")
    world.plan.current_period = world.q1
    world.plan.save()
    world.board.chair = world.jag.chair  # the JAG's chair also chairs the board
    world.board.save()
    return world


def _accessible(axe_violations, where: str) -> None:
    violations = axe_violations()
    assert violations == [], f"{where}: " + "; ".join(f"{v['id']}: {v['help']}" for v in violations)


def _as(page, sign_in, user) -> None:
    page.context.clear_cookies()
    sign_in(user)


def test_a_whole_quarter_from_submission_to_the_boards_decision(page, sign_in, screenshot, axe_violations, world):
    update_url = reverse("plans:update_edit", args=[world.objective.pk, world.q1.pk])

    # 1. The lead officer submits the quarter's update.
    _as(page, sign_in, world.user("lead"))
    page.goto(update_url)
    page.get_by_label("Progress this quarter").fill("Campaign planned; no venue yet.")
    page.get_by_role("radio", name="Red", exact=True).check()
    page.get_by_label("Why is the overall status amber or red?").fill("No venue and no funding.")
    page.get_by_role("button", name="Submit update").click()
    page.wait_for_load_state()
    assert QuarterlyUpdate.objects.get(pk=world.update.pk).state == "submitted"

    # 2. The chair who reviews it is told, and returns it from the inbox with one comment.
    _as(page, sign_in, world.user("chair"))
    page.goto(reverse("csp:notifications"))
    assert "submitted" in page.locator("#notification-list").inner_text()
    page.goto("/plans/review/inbox/")
    _accessible(axe_violations, "inbox")
    page.locator(f"#update-{world.update.pk}").check()
    page.get_by_label("Comment").fill("Say which venues were tried.")
    page.get_by_role("button", name="Return selected").click()
    page.wait_for_load_state()
    assert QuarterlyUpdate.objects.get(pk=world.update.pk).state == "returned"

    # 3. The lead sees it first in My items, with the chair's comment, and resubmits.
    _as(page, sign_in, world.user("lead"))
    page.goto(reverse("plans:my_items"))
    returned = page.locator(".app-returned")
    assert "Say which venues were tried." in returned.inner_text()
    first_section = page.locator("main h2").first.inner_text()
    assert first_section == "Returned to you for changes"
    screenshot("cycle-my-items-returned")
    _accessible(axe_violations, "my items with a returned update")
    returned.get_by_role("link").first.click()
    page.wait_for_load_state()
    page.get_by_label("Progress this quarter").fill("Campaign planned; the library and two halls refused.")
    page.get_by_role("button", name="Submit update").click()
    page.wait_for_load_state()
    assert QuarterlyUpdate.objects.get(pk=world.update.pk).state == "submitted"

    # 4. The chair approves it from the meeting pack, then escalates it to the board.
    _as(page, sign_in, world.user("chair"))
    page.goto(reverse("plans:meeting_list", args=[world.odg.pk]))
    page.get_by_label("Date of the meeting").fill("21/07/2014")
    page.get_by_role("button", name="Set up meeting").click()
    page.wait_for_load_state()
    item = page.locator(f"#item-{world.objective.pk}")
    assert "the library and two halls refused" in item.inner_text()
    item.get_by_label("Approve").check()
    item.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()
    assert QuarterlyUpdate.objects.get(pk=world.update.pk).state == "approved"
    item = page.locator(f"#item-{world.objective.pk}")
    item.get_by_label("Escalate to the board").check()
    item.get_by_label("Note for the minutes").fill("The board to find a venue.")
    item.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()
    screenshot("cycle-pack-after-decisions")
    _accessible(axe_violations, "meeting pack")
    assert set(MeetingDecision.objects.values_list("kind", flat=True)) == {"approve", "escalate"}
    escalation = Escalation.objects.get(objective=world.objective)

    # 5. The board's chair resolves it with a minute reference.
    _as(page, sign_in, world.user("other_chair"))
    page.goto(reverse("plans:escalation_list"))
    page.get_by_role("link", name="Resolve").click()
    page.wait_for_load_state()
    page.get_by_label("The board's decision").fill("Police to fund a venue from the PCC grant.")
    page.get_by_label("Minute reference").fill("RAG 14/10 item 3")
    page.get_by_role("button", name="Record the board's decision").click()
    page.wait_for_load_state()
    escalation.refresh_from_db()
    assert escalation.resolved_at is not None

    # 6. The lead officer is told of the decision.
    _as(page, sign_in, world.user("lead"))
    page.goto(reverse("csp:notifications"))
    told = page.locator("#notification-list").inner_text()
    assert "RAG 14/10 item 3" in told
    screenshot("cycle-lead-told")
    _accessible(axe_violations, "lead's notifications")
