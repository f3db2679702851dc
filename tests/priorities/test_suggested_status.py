"""Issue 14 point 2: an outcome linked to an indicator shows the status its figure suggests; a lead
who chooses another status says why; reviewers see both."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from csp.models import RagStatus
from plans.services.updates import OutcomeInput
from priorities.models import Indicator
from priorities.services import indicator_settings_update, reading_record
from tests.factories import IndicatorFactory, MembershipFactory
from tests.plans.test_updates_services import complete_input, domestic_abuse_item, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def item():
    item = domestic_abuse_item()
    indicator = IndicatorFactory(
        partnership=item.partnership, code="DA1", name="Domestic abuse crimes", unit=Indicator.Unit.COUNT
    )
    indicator_settings_update(
        indicator=indicator, tolerance_percent=Decimal("5"), targets_by_year={2014: Decimal("100")}
    )
    # Q2: 130 crimes against a target of at most 100: red.
    reading_record(indicator=indicator, period=item.q2, value=Decimal("130"))
    outcome = item.outcomes[0]
    outcome.indicator = indicator
    outcome.save()
    return item


def test_choosing_green_against_a_red_figure_needs_a_reason(item):
    with pytest.raises(ValidationError) as exc:
        submit(item)  # outcome 1 is green with no note
    key = f"outcome-{item.outcomes[0].pk}-note"
    assert exc.value.message_dict[key] == ["The indicator suggests red for outcome 1: enter why it is green"]

    data = complete_input(item)
    data.outcomes[item.outcomes[0].pk] = OutcomeInput(RagStatus.GREEN, "Police changed how they record incidents.")
    assert submit(item, data).state == "submitted"


def test_agreeing_with_the_figure_needs_no_extra_reason(item):
    data = complete_input(item)
    data.outcomes[item.outcomes[0].pk] = OutcomeInput(RagStatus.RED, "Reporting rose after the campaign.")
    assert submit(item, data).state == "submitted"


def test_a_reading_after_the_period_does_not_count(item):
    outcome = item.outcomes[0]
    outcome.indicator.readings.all().delete()
    later = item.partnership.reporting_periods.create(
        kind="quarter",
        financial_year=2014,
        number=3,
        start=item.q2.end.replace(month=10, day=1),
        end=item.q2.end.replace(month=12, day=31),
    )
    reading_record(indicator=outcome.indicator, period=later, value=Decimal("130"))
    assert submit(item).state == "submitted"  # no figure for Q2 yet: no suggestion, no extra note needed


def test_the_update_page_shows_the_suggestion_and_the_item_page_shows_both(item, client):
    client.force_login(item.lead_user)
    page = client.get(reverse("plans:update_edit", args=[item.objective.pk, item.q2.pk])).content.decode()
    assert "DA1 Domestic abuse crimes: 130 in Q2 2014/15 against a target of 100. The figure suggests" in page

    data = complete_input(item)
    data.outcomes[item.outcomes[0].pk] = OutcomeInput(RagStatus.GREEN, "Police changed how they record incidents.")
    submit(item, data)
    chair = MembershipFactory(partnership=item.partnership, roles=("coordinator",)).user
    client.force_login(chair)
    item_page = client.get(reverse("plans:objective_detail", args=[item.objective.pk])).content.decode()
    assert (
        "DA1 Domestic abuse crimes: 130 in Q2 2014/15 against a target of 100: the figure suggests red, not green."
        in item_page
    )


def test_the_item_page_shows_the_indicator_with_its_latest_figure(item, client):
    client.force_login(item.lead_user)
    page = client.get(reverse("plans:objective_detail", args=[item.objective.pk])).content.decode()
    assert "DA1 Domestic abuse crimes</a>: 130 in Q2 2014/15 against a target of 100" in page
