"""Text limits and an oversized form in real Chromium: a message next to the field, a GOV.UK 413 page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans.models import QuarterlyUpdate
from tests.plans.test_updates_services import domestic_abuse_item

pytestmark = pytest.mark.browser


@pytest.fixture
def item(transactional_db):
    return domestic_abuse_item(username="debbie.barker")


def serious_violations(axe_violations, page_name):
    violations = axe_violations()
    return [f"{page_name}: {v['id']}: {v['help']}" for v in violations]


def test_progress_over_the_limit_is_refused_next_to_the_field(item, page, sign_in, screenshot, axe_violations):
    sign_in(item.lead_user)
    page.goto(reverse("plans:update_edit", args=[item.objective.pk, item.q2.pk]))

    page.get_by_label("Progress this quarter").fill("x" * 10_001)
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()

    screenshot("issue9-progress-too-long")
    summary = page.locator(".govuk-error-summary")
    assert "Progress must be 10,000 characters or fewer" in summary.inner_text()
    field_error = page.locator(".govuk-form-group--error .govuk-error-message").first
    assert "Progress must be 10,000 characters or fewer" in field_error.inner_text()
    assert serious_violations(axe_violations, "update page with a limit error") == []
    assert not QuarterlyUpdate.objects.filter(objective=item.objective, period=item.q2).exists()


def test_an_oversized_form_gets_the_govuk_413_page(item, page, sign_in, screenshot, axe_violations, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5_000
    sign_in(item.lead_user)
    page.goto(reverse("plans:update_edit", args=[item.objective.pk, item.q2.pk]))

    page.get_by_label("Progress this quarter").fill("x" * 6_000)
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()

    screenshot("issue9-request-too-large")
    assert page.get_by_role("heading", level=1).inner_text() == "What you sent is too large"
    assert serious_violations(axe_violations, "413 page") == []
    assert not QuarterlyUpdate.objects.filter(objective=item.objective, period=item.q2).exists()
