"""A coordinator finds the audit trail from the navigation, filters it, restores an archived item; pages accessible."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from csp.services import record_archive
from plans.models import Objective
from tests.admin_world import one_of_everything_in_a_partnership
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_reads_the_audit_trail_and_restores_an_item(page, sign_in, screenshot, axe_violations):
    partnership = one_of_everything_in_a_partnership()
    coordinator = MembershipFactory(partnership=partnership, roles=("coordinator",)).user
    objective = Objective.objects.get(plan__partnership=partnership)
    record_archive(user=coordinator, record=objective, reason="Merged into 1.2")
    sign_in(coordinator)

    page.get_by_role("link", name="Audit").click()
    page.get_by_label("Type of record").select_option(label="Objective")
    page.get_by_role("button", name="Show changes").click()
    screenshot("audit-trail")

    expect(page.get_by_text("Archived: Merged into 1.2")).to_be_visible()
    assert axe_violations() == []

    page.get_by_role("link", name="See archived records").click()
    assert axe_violations() == []
    page.get_by_role("button", name="Restore").click()
    screenshot("archived-restored")

    expect(page.get_by_text("is restored")).to_be_visible()
    objective.refresh_from_db()
    assert objective.archived_at is None
