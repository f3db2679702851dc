"""A coordinator writes a small plan by hand in Chromium, its leads as the plan gives them: jobholder titles and
organisations, no named people (issue 11). Themes, a reporting officer, a milestone's lead on its own page;
checks the answers, publishes, and reads the leads back on the plan page. axe on every page, screenshots."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from plans.models import MilestoneLead, Objective, ObjectiveLead, Plan
from plans.rules import lead_label
from tests.factories import AgencyFactory, GroupFactory, MembershipFactory, PartnershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COUNCIL = "Stevenage Borough Council"
POLICE = "Hertfordshire Constabulary"


def _accessible(axe_violations, where: str) -> None:
    violations = axe_violations()
    assert violations == [], f"{where}: " + "; ".join(f"{v['id']}: {v['help']}" for v in violations)


def _click(page, role: str, name) -> None:
    page.get_by_role(role, name=name).click()
    page.wait_for_load_state()


def _objective(page, *, ref: str, title: str, theme: str, action: str) -> None:
    page.get_by_label("Reference (optional)").fill(ref)
    page.get_by_label("Objective", exact=True).fill(title)
    page.get_by_label("Theme (optional)").fill(theme)
    page.get_by_label("Section (optional)").select_option(label="1 Violent crime")
    page.locator("#id_actions-0-text").fill(action)


def _lead_row(page, row: int, *, job_title: str, organisation: str, kind: str = "Lead") -> None:
    page.locator(f"#id_leads-{row}-job_title").fill(job_title)
    page.locator(f"#id_leads-{row}-agency").select_option(label=organisation)
    page.locator(f"#id_leads-{row}-kind").select_option(label=kind)


def test_a_coordinator_writes_a_small_plan_with_jobholder_leads(page, sign_in, screenshot, axe_violations):
    partnership = PartnershipFactory(name="Stevenage Community Safety Partnership", short_name="SoSafe")
    AgencyFactory(partnership=partnership, name=COUNCIL, short_name="")
    AgencyFactory(partnership=partnership, name=POLICE, short_name="")
    GroupFactory(partnership=partnership, name="Operational Delivery Group")
    coordinator = MembershipFactory(partnership=partnership, roles=("coordinator",)).user
    sign_in(coordinator)

    _click(page, "link", "Manage plans")
    _click(page, "link", "Create a plan")
    page.get_by_label("Plan title").fill("Stevenage Action Plan 2025/26")
    page.get_by_label("Annual action plan").check()
    page.get_by_label("Start of the plan period").fill("1/4/2025")
    page.get_by_label("End of the plan period").fill("31/3/2026")
    _click(page, "button", "Create draft plan")
    plan = Plan.objects.get(title="Stevenage Action Plan 2025/26")

    _click(page, "link", "Add a section")
    page.get_by_label("Number (optional)").fill("1")
    page.get_by_label("Section title").fill("Violent crime")
    _click(page, "button", "Save section")

    # The first objective: a theme, an action, an expected outcome and a milestone whose lead is as written.
    _click(page, "link", "Add an objective")
    _objective(
        page,
        ref="1.1",
        title="Reduce alcohol-related violence in the town centre",
        theme="Violent crime",
        action="Joint licensing visits to late-night premises",
    )
    page.locator("#id_outcomes-0-text").fill("Fewer assaults in the night-time economy")
    page.locator("#id_outcomes-0-target_value").fill("10")
    page.locator("#id_outcomes-0-target_unit").fill("%")
    page.locator("#id_milestones-0-text").fill("Pubwatch scheme relaunched")
    page.locator("#id_milestones-0-due_text").fill("Summer 2025")
    page.locator("#id_milestones-0-lead_text").fill("SBC Licensing")
    page.get_by_label("Leads as written (optional)", exact=True).fill(
        f"{COUNCIL} / Community Safety Manager; Police Chief Inspector"
    )
    screenshot("small-plan-objective-form")
    _accessible(axe_violations, "add objective 1.1")
    _click(page, "button", "Save objective")

    _click(page, "link", "Add an objective")
    _objective(
        page,
        ref="1.2",
        title="Tackle anti-social behaviour on the estates",
        theme="Anti-social behaviour",
        action="Monthly multi-agency problem-solving meetings",
    )
    _click(page, "button", "Save objective")
    first = Objective.objects.get(plan=plan, ref="1.1")
    second = Objective.objects.get(plan=plan, ref="1.2")
    assert (first.theme, second.theme) == ("Violent crime", "Anti-social behaviour")
    expect(page.get_by_text("Theme: Violent crime")).to_be_visible()
    screenshot("small-plan-editor")
    _accessible(axe_violations, "plan editor")

    # Objective leads as jobholder titles and organisations, one a reporting officer.
    _click(page, "link", re.compile(r"Leads of objective 1\.1"))
    _lead_row(page, 0, job_title="Community Safety Manager", organisation=COUNCIL)
    _lead_row(page, 1, job_title="Chief Inspector", organisation=POLICE, kind="Reporting officer")
    screenshot("small-plan-objective-leads")
    _accessible(axe_violations, "leads of objective 1.1")
    _click(page, "button", "Save leads")
    assert f"/plans/objectives/{first.pk}/" in page.url
    expect(page.get_by_text(f"Community Safety Manager ({COUNCIL})").first).to_be_visible()
    _accessible(axe_violations, "objective 1.1 page")

    # The milestone's lead on its own page, linked from the objective page's milestones.
    _click(page, "link", re.compile("Leads of the milestone"))
    expect(
        page.get_by_role("heading", name=re.compile("Leads of the milestone ‘Pubwatch scheme relaunched’"))
    ).to_be_visible()
    expect(page.get_by_text("The plan’s lead column reads: SBC Licensing")).to_be_visible()
    _lead_row(page, 0, job_title="Licensing Manager", organisation=COUNCIL)
    screenshot("small-plan-milestone-leads")
    _accessible(axe_violations, "leads of the milestone")
    _click(page, "button", "Save leads")
    assert page.url.endswith(f"/plans/objectives/{first.pk}/#milestones")
    expect(page.locator("#milestones + table").get_by_text(f"Licensing Manager ({COUNCIL})")).to_be_visible()
    screenshot("small-plan-objective-page")

    # The objective form links each saved milestone to its leads page.
    page.goto(f"/plans/objectives/{first.pk}/edit/")
    assert page.get_by_label("Theme (optional)").input_value() == "Violent crime"
    expect(page.get_by_role("link", name=re.compile("Leads of this milestone"))).to_be_visible()
    screenshot("small-plan-objective-edit")
    _accessible(axe_violations, "change objective 1.1")

    page.goto(f"/plans/{plan.pk}/edit/")
    _click(page, "link", re.compile(r"Leads of objective 1\.2"))
    _lead_row(page, 0, job_title="Anti-social Behaviour Officer", organisation=COUNCIL)
    _click(page, "button", "Save leads")

    page.goto(f"/plans/{plan.pk}/edit/")
    _click(page, "link", "Check and publish")
    check = page.locator("main").inner_text()
    assert "Anti-social behaviour" in check
    assert f"Chief Inspector ({POLICE}) — reporting officer" in check
    assert f"Pubwatch scheme relaunched – Summer 2025 (lead: Licensing Manager ({COUNCIL}))" in check
    screenshot("small-plan-check-answers")
    _accessible(axe_violations, "check your answers")
    _click(page, "button", "Publish the plan")
    assert "is published" in page.locator(".govuk-notification-banner").inner_text()

    # The plan page, as everyone sees it: the leads as entered, each objective's theme.
    assert page.url.endswith(f"/plans/{plan.pk}/")
    table = page.locator("main table").first
    for text in (
        f"Community Safety Manager ({COUNCIL}); Chief Inspector ({POLICE}) — reporting officer",
        f"Anti-social Behaviour Officer ({COUNCIL})",
        "Theme: Violent crime",
        "Theme: Anti-social behaviour",
    ):
        expect(table.get_by_text(text), text).to_be_visible()
    screenshot("small-plan-published")
    _accessible(axe_violations, "plan page")

    plan.refresh_from_db()
    assert plan.status == Plan.Status.LIVE
    leads = ObjectiveLead.objects.filter(objective__plan=plan).select_related("agency", "objective")
    assert not leads.filter(person__isnull=False).exists()
    assert [(lead.objective.ref, lead_label(lead)) for lead in leads.order_by("objective__position", "position")] == [
        ("1.1", f"Community Safety Manager ({COUNCIL})"),
        ("1.1", f"Chief Inspector ({POLICE}) — reporting officer"),
        ("1.2", f"Anti-social Behaviour Officer ({COUNCIL})"),
    ]
    milestone_lead = MilestoneLead.objects.get(milestone__objective=first)
    assert (milestone_lead.person, milestone_lead.job_title, milestone_lead.agency.name) == (
        None,
        "Licensing Manager",
        COUNCIL,
    )
    assert first.milestones.get().lead_text == "SBC Licensing"
