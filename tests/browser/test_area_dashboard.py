"""A PCC office analyst compares Hertfordshire's partnerships and asks for an area summary of one of them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from plans.demo import DEMO_PASSWORD, demo_load
from reporting.models import ReportJob

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_herts_pcc_analyst_compares_the_area_and_asks_for_a_report_of_one_partnership(
    page, sign_in, screenshot, axe_violations, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    demo_load()
    analyst = get_user_model().objects.get(username="herts-pcc-analyst")
    sign_in(analyst, password=DEMO_PASSWORD)

    page.get_by_role("link", name="Areas").first.click()
    expect(page.get_by_role("heading", name="Areas", level=1)).to_be_visible()
    assert page.get_by_role("link", name="Sussex").count() == 0
    screenshot("area-list")
    assert axe_violations() == []

    page.get_by_role("link", name="Hertfordshire").click()
    table = page.get_by_role("table", name="Partnerships compared")
    headers = table.locator("thead th").all_text_contents()
    assert headers == ["East Herts Community Safety Partnership", "Stevenage Community Safety Partnership"]
    assert "Hastings" not in page.content()
    chart = page.locator("#area-status-chart svg")
    assert chart.get_attribute("role") == "img"
    assert "Stevenage" in chart.locator("desc").text_content()
    screenshot("area-dashboard")
    assert axe_violations() == []

    page.get_by_role("link", name="Ask for an area summary report").click()
    assert page.get_by_label("Stevenage Community Safety Partnership").is_checked()
    assert page.get_by_label("East Herts Community Safety Partnership").is_checked()
    screenshot("area-report-form")
    assert axe_violations() == []

    # Nothing ticked: the error is in the summary and beside the checkboxes; nothing is asked for.
    page.get_by_label("Stevenage Community Safety Partnership").uncheck()
    page.get_by_label("East Herts Community Safety Partnership").uncheck()
    page.get_by_role("button", name="Ask for the report").click()
    expect(page.get_by_role("alert").get_by_text("Choose at least one partnership to include")).to_be_visible()
    screenshot("area-report-form-error")
    assert axe_violations() == []
    assert not ReportJob.objects.exists()

    page.get_by_label("Stevenage Community Safety Partnership").check()
    page.get_by_label("Quarter").select_option(label="Q1 2014/15")
    page.get_by_role("button", name="Ask for the report").click()

    expect(page.get_by_text("Not included: East Herts Community Safety Partnership.")).to_be_visible()
    job = ReportJob.objects.get()
    assert [p.name for p in job.covered_partnerships.all()] == ["Stevenage Community Safety Partnership"]
    screenshot("area-report-detail")
    assert axe_violations() == []
    # Test settings render on commit (eager Celery): the report is ready to read.
    assert job.state == ReportJob.State.DONE
    page.get_by_role("link", name="Read it as a web page").click()
    assert page.locator("#area-coverage").text_content() == "Not included: East Herts Community Safety Partnership."
    assert "Stevenage Community Safety Partnership" in page.content()
    screenshot("area-report-html")
    assert axe_violations() == []
