"""An analyst records figures, uploads a file and reads the trend against target; pages accessible."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from csp.models import PartnershipPopulation
from priorities.models import Indicator, IndicatorReading
from priorities.services import indicator_settings_update
from tests.factories import IndicatorFactory, MembershipFactory, PartnershipFactory, QuarterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_records_and_uploads_figures_and_reads_the_chart(page, sign_in, screenshot, axe_violations, tmp_path):
    partnership = PartnershipFactory(name="Stevenage Community Safety Partnership")
    for number in (1, 2, 3, 4):
        QuarterFactory(partnership=partnership, financial_year=2014, number=number)
    PartnershipPopulation.objects.create(partnership=partnership, financial_year=2014, population=84_000)
    asb = IndicatorFactory(
        partnership=partnership, code="ASB", name="ASB per 1000 head of population", unit=Indicator.Unit.RATE_PER_1000
    )
    indicator_settings_update(indicator=asb, tolerance_percent=Decimal("5"), targets_by_year={2014: Decimal("5")})
    analyst = MembershipFactory(partnership=partnership, roles=("analyst",)).user
    sign_in(analyst)

    page.get_by_role("link", name="Indicators").first.click()
    page.get_by_role("link", name="ASB per 1000 head of population").click()
    assert axe_violations() == []

    # A wrong figure: the message sits next to the field and in the summary; nothing is saved.
    page.get_by_label("Reporting period").select_option(label="Q1 2014/15")
    page.get_by_label("Figure", exact=True).fill("four hundred")
    page.get_by_role("button", name="Save the figure").click()
    expect(page.get_by_role("alert").get_by_text("Enter the figure as a number, like 198 or 12.5")).to_be_visible()
    assert axe_violations() == []
    page.get_by_label("Figure", exact=True).fill("420")
    page.get_by_role("button", name="Save the figure").click()
    expect(page.get_by_text("The figure for Q1 2014/15 was recorded.")).to_be_visible()

    # The rest of the year from a file.
    csv = tmp_path / "readings.csv"
    csv.write_text("Indicator,Period,Value\nASB,Q2 2014/15,436\nASB,Q3 2014/15,471\nASB,Q4 2014/15,378\n")
    page.get_by_role("link", name="Indicators").first.click()
    page.get_by_role("link", name="Upload readings from a file").click()
    page.get_by_label("File of readings").set_input_files(str(csv))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("3 readings recorded and 0 changed from readings.csv.")).to_be_visible()
    assert IndicatorReading.objects.filter(indicator=asb).count() == 4
    screenshot("indicator-list")
    assert axe_violations() == []

    page.get_by_role("link", name="ASB per 1000 head of population").click()
    chart = page.locator("figure.app-chart svg")
    assert chart.get_attribute("role") == "img"
    assert "Q3 2014/15: 5.61 against a target of 5" in chart.locator("desc").text_content()
    table = page.get_by_role("table", name="The figures in the chart")
    expect(table.get_by_role("row", name="Q2 2014/15").get_by_text("Amber")).to_be_visible()
    expect(table.get_by_role("row", name="Q3 2014/15").get_by_text("Red")).to_be_visible()
    screenshot("indicator-detail")
    assert axe_violations() == []
