"""A coordinator writes an objective's leads as the plan does, without JavaScript help; the page is accessible."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from csp.models import Role
from plans.rules import lead_label
from tests.api.conftest import build_partnership_world
from tests.factories import AgencyFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_sets_a_jobholder_and_an_organisation_as_leads(page, sign_in, screenshot, axe_violations):
    world = build_partnership_world()
    police = AgencyFactory(partnership=world.partnership, name="Sussex Police", short_name="")
    coordinator = MembershipFactory(partnership=world.partnership, roles=(Role.COORDINATOR,)).user
    sign_in(coordinator)

    page.goto(f"/plans/objectives/{world.objective.pk}/leads/")
    expect(page.get_by_role("heading", name="Leads of")).to_be_visible()
    assert axe_violations() == []
    screenshot("objective-leads")

    page.locator("#id_leads-1-job_title").fill("Chief Inspector Eastbourne District")
    page.locator("#id_leads-1-agency").select_option(label="Sussex Police")
    page.locator("#id_leads-2-agency").select_option(label="Sussex Police")
    page.locator("#id_leads-2-kind").select_option(label="Reporting officer")
    page.get_by_role("button", name="Save leads").click()
    page.wait_for_load_state()

    assert f"/plans/objectives/{world.objective.pk}/" in page.url
    screenshot("objective-leads-saved")
    expect(page.get_by_text("Chief Inspector Eastbourne District (Sussex Police)")).to_be_visible()
    assert [lead_label(lead) for lead in world.objective.leads.all()][1:] == [
        "Chief Inspector Eastbourne District (Sussex Police)",
        "Sussex Police — reporting officer",
    ]
    assert police.objective_leads.count() == 2


def test_a_lead_naming_nothing_is_shown_as_an_error_and_the_page_stays_accessible(
    page, sign_in, screenshot, axe_violations
):
    world = build_partnership_world()
    coordinator = MembershipFactory(partnership=world.partnership, roles=(Role.COORDINATOR,)).user
    sign_in(coordinator)
    page.goto(f"/plans/objectives/{world.objective.pk}/leads/")
    # Two rows for the same person and organisation.
    page.locator("#id_leads-1-person").select_option(value=str(world.person.pk))
    page.locator("#id_leads-1-agency").select_option(value=str(world.agency.pk))
    page.get_by_role("button", name="Save leads").click()
    page.wait_for_load_state()

    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert axe_violations() == []
    screenshot("objective-leads-error")
    assert world.objective.leads.count() == 1
