"""An analyst asks for a board report in Chromium, sees it done and reads it as a web page."""

from __future__ import annotations

import pytest

from tests.factories import MembershipFactory, PartnershipFactory
from tests.reporting.conftest import build_report_plan

pytestmark = pytest.mark.browser


def test_analyst_asks_for_a_board_report_and_reads_it(page, sign_in, screenshot, axe_violations, transactional_db):
    partnership = PartnershipFactory(name="Safer Town Community Safety Partnership")
    report_plan = build_report_plan(partnership)
    analyst = MembershipFactory(partnership=partnership, roles=("analyst",), first_name="Ash", last_name="Analyst").user
    sign_in(analyst)
    page.goto("/reports/")
    assert axe_violations() == []
    page.get_by_label("Quarterly board report").check()
    page.get_by_label("Plan").select_option(str(report_plan.plan.pk))
    page.get_by_label("Period").select_option(str(report_plan.q2.pk))
    screenshot("reporting-request-form")
    page.get_by_role("button", name="Ask for the report").click()
    page.wait_for_load_state()
    assert page.get_by_text("Download the PDF").is_visible()
    assert axe_violations() == []
    screenshot("reporting-job-done")
    page.get_by_role("link", name="Read it as a web page").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Exceptions: red and amber").is_visible()
    assert axe_violations() == []
    screenshot("reporting-report-html")


def test_a_viewer_sees_no_request_form(page, sign_in, transactional_db):
    partnership = PartnershipFactory()
    build_report_plan(partnership)
    sign_in(MembershipFactory(partnership=partnership, roles=("viewer",)).user)
    page.goto("/reports/")
    assert page.get_by_text("Coordinators, analysts and group chairs can ask for reports").is_visible()
    assert page.get_by_role("button", name="Ask for the report").count() == 0
