"""A coordinator writes a small plan by hand in Chromium: plan, a priority, a section, two objectives with
outcomes and milestones, checks the answers and publishes it; axe on every page, screenshots for a person."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from plans.models import Objective, Plan
from priorities.models import Priority
from tests.factories import GroupFactory, MembershipFactory, PartnershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _accessible(axe_violations, where: str) -> None:
    violations = axe_violations()
    assert violations == [], f"{where}: " + "; ".join(f"{v['id']}: {v['help']}" for v in violations)


def _save(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def _objective(page, *, ref: str, title: str, outcomes: list[tuple[str, str]], milestone: tuple[str, str, str]):
    page.get_by_label("Reference (optional)").fill(ref)
    page.get_by_label("Objective", exact=True).fill(title)
    page.get_by_label("Section (optional)").select_option(label="1 Domestic abuse")
    page.locator("#id_actions-0-text").fill(f"Actions for {ref}")
    for row, (text, target) in enumerate(outcomes):
        page.locator(f"#id_outcomes-{row}-text").fill(text)
        page.locator(f"#id_outcomes-{row}-target_value").fill(target)
    text, due, lead = milestone
    page.locator("#id_milestones-0-text").fill(text)
    page.locator("#id_milestones-0-due_date").fill(due)
    page.locator("#id_milestones-0-lead_text").fill(lead)
    page.locator("#id_milestones-0-cost_amount").fill("250")
    page.get_by_label("Leads as written (optional)", exact=True).fill("Police and Council")
    page.get_by_label("Cost in pounds (optional)", exact=True).fill("1,500")
    page.get_by_label("Completion as written (optional)", exact=True).fill("March 2026")


def test_a_coordinator_writes_checks_and_publishes_a_plan(page, sign_in, screenshot, axe_violations):
    partnership = PartnershipFactory(name="Stevenage Community Safety Partnership", short_name="SoSafe")
    GroupFactory(partnership=partnership, name="Operational Delivery Group")
    coordinator = MembershipFactory(partnership=partnership, roles=("coordinator",)).user
    sign_in(coordinator)

    page.get_by_role("link", name="Manage plans").click()
    page.wait_for_load_state()
    screenshot("editor-manage-empty")
    _accessible(axe_violations, "manage plans")

    page.get_by_role("link", name="Create a plan").click()
    page.get_by_label("Plan title").fill("Community Safety Plan 2025/26")
    page.get_by_label("Annual action plan").check()
    page.get_by_label("Start of the plan period").fill("1/4/2025")
    page.get_by_label("End of the plan period").fill("31/3/2026")
    page.get_by_label("Owning group (optional)").select_option(label="Operational Delivery Group")
    _accessible(axe_violations, "create a plan")
    _save(page, "Create draft plan")
    plan = Plan.objects.get(title="Community Safety Plan 2025/26")
    assert plan.status == Plan.Status.DRAFT
    screenshot("editor-plan-created")
    _accessible(axe_violations, "plan editor")

    # A priority, then back to the plan's settings to say the plan addresses it.
    page.get_by_role("link", name="Plan settings").click()
    page.get_by_role("link", name="Add a priority").click()
    page.get_by_label("Code", exact=True).fill("LP1")
    page.get_by_label("Priority", exact=True).fill("Domestic abuse")
    page.get_by_label("Start of the assessment period").fill("1/4/2025")
    page.get_by_label("End of the assessment period").fill("31/3/2026")
    page.get_by_label("Why it is a priority (optional)").fill("Repeat victimisation is rising.")
    page.locator("#id_themes-0-title").fill("Personal harm")
    page.locator("#id_indicators-0-name").fill("Repeat MARAC referrals")
    screenshot("editor-priority-form")
    _accessible(axe_violations, "add a priority")
    _save(page, "Save priority")
    page.get_by_label("LP1 Domestic abuse").check()
    _save(page, "Save settings")
    assert list(plan.priorities.values_list("code", flat=True)) == ["LP1"]

    page.get_by_role("link", name="Add a section").click()
    page.get_by_label("Number (optional)").fill("1")
    page.get_by_label("Section title").fill("Domestic abuse")
    page.get_by_label("Priority (optional)").select_option(label="LP1 Domestic abuse")
    _accessible(axe_violations, "add a section")
    _save(page, "Save section")

    page.get_by_role("link", name="Add an objective").click()
    _save(page, "Save objective")
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    screenshot("editor-objective-errors")
    _accessible(axe_violations, "objective with errors")
    _objective(
        page,
        ref="1.1",
        title="Reduce repeat victims of domestic abuse",
        outcomes=[("Fewer repeat victims", "10"), ("More reports to the police", "")],
        milestone=("Awareness sessions booked", "1/9/2025", "DA coordinator"),
    )
    screenshot("editor-objective-form")
    _accessible(axe_violations, "add an objective")
    _save(page, "Save objective")

    page.get_by_role("link", name="Add an objective").click()
    _objective(
        page,
        ref="1.2",
        title="Train frontline staff to spot coercive control",
        outcomes=[("200 staff trained", "200")],
        milestone=("Training programme agreed", "", "Council"),
    )
    page.locator("#id_milestones-0-due_text").fill("Autumn 2025")
    _save(page, "Save objective")

    # Reorder: 1.2 up, so it comes first (htmx swaps the list in place; without JavaScript the form posts).
    page.get_by_role("button", name=re.compile(r"move 1\.2 up")).click()
    expect(page.locator("#objectives-list tbody tr").first).to_contain_text("1.2")
    # Its Up button is gone at the top: focus stays on the item, on its Down button.
    moved = Objective.objects.get(plan=plan, ref="1.2")
    expect(page.locator(f"#objectives-list-{moved.pk}-down")).to_be_focused()
    assert "/edit/" in page.url
    refs = list(Objective.objects.filter(plan=plan).order_by("position").values_list("ref", flat=True))
    assert refs == ["1.2", "1.1"]
    screenshot("editor-plan-with-objectives")
    _accessible(axe_violations, "plan editor with objectives")

    page.get_by_role("link", name="Check and publish").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Reduce repeat victims of domestic abuse")).to_be_visible()
    screenshot("editor-check-answers")
    _accessible(axe_violations, "check your answers")
    _save(page, "Publish the plan")
    assert "is published" in page.locator(".govuk-notification-banner").inner_text()
    screenshot("editor-published")

    plan.refresh_from_db()
    assert plan.status == Plan.Status.LIVE
    objective = Objective.objects.get(plan=plan, ref="1.1")
    assert [(o.number, o.target_value) for o in objective.outcomes.all()] == [(1, 10), (2, None)]
    milestone = objective.milestones.get()
    assert milestone.lead_text == "DA coordinator"
    assert milestone.cost_amount == 250
    assert Priority.objects.get(code="LP1").themes.get().title == "Personal harm"
