"""The area dashboard: partnerships side by side, the one status rule, rates per 1,000, constant queries."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from csp.models import PartnershipPopulation, RagStatus, Role
from csp.services import record_archive
from plans.models import QuarterlyUpdate
from priorities.models import Indicator
from reporting.areas import area_dashboard
from tests.factories import (
    AreaFactory,
    AreaMembershipFactory,
    IndicatorFactory,
    IndicatorReadingFactory,
    MembershipFactory,
    ObjectiveFactory,
    PartnershipFactory,
    QuarterlyUpdateFactory,
    UserFactory,
)
from tests.reporting.conftest import build_report_plan

pytestmark = pytest.mark.django_db


def _area_with(count: int, *, name: str = "Hertfordshire"):
    area = AreaFactory(name=name, slug=name.lower())
    partnerships = [PartnershipFactory(area=area, name=f"{name} CSP {n}", short_name="") for n in range(count)]
    plans = [build_report_plan(p, title=f"{p.name} plan") for p in partnerships]
    for partnership in partnerships:
        PartnershipPopulation.objects.create(partnership=partnership, financial_year=2014, population=80000)
        indicator = IndicatorFactory(partnership=partnership, name="Police recorded crimes", unit=Indicator.Unit.COUNT)
        IndicatorReadingFactory(indicator=indicator, period=_q1(partnership), value=400)
    return area, partnerships, plans


def _q1(partnership):
    return partnership.reporting_periods.get(kind="quarter", financial_year=2014, number=1)


@pytest.fixture
def herts():
    return _area_with(2)


@pytest.fixture
def analyst(herts):
    area, _, _ = herts
    return AreaMembershipFactory(area=area).user


def test_each_partnership_has_its_column_with_the_plan_priorities_and_status_counts(herts, analyst):
    area, partnerships, plans = herts
    dashboard = area_dashboard(user=analyst, area=area)

    assert [c.partnership for c in dashboard.columns] == partnerships
    column = dashboard.columns[0]
    assert column.plan == plans[0].plan
    assert column.period == plans[0].q2
    assert [p.title for p in column.priorities] == ["Domestic abuse", "Anti-social behaviour"]
    # Q2: 1.1 red, 1.2 green, 2.1 amber; 2.2 is struck and left out.
    assert column.counts == {"red": 1, "amber": 1, "green": 1, "no_update": 0, "no_status": 0}


def test_no_update_and_a_draft_are_never_counted_green(herts, analyst):
    area, _, plans = herts
    fresh = ObjectiveFactory(plan=plans[0].plan, section=plans[0].objectives["1.1"].section)
    QuarterlyUpdateFactory(
        objective=fresh, period=plans[0].q2, rag_status=RagStatus.GREEN, state=QuarterlyUpdate.State.DRAFT
    )
    ObjectiveFactory(plan=plans[0].plan, section=plans[0].objectives["1.1"].section)

    column = area_dashboard(user=analyst, area=area).columns[0]

    assert column.counts["green"] == 1
    assert column.counts["no_update"] == 2


def test_an_archived_update_is_not_counted(herts, analyst):
    # The counts read updates as rows (`StatusRow`), archived_at included: the one rule leaves archived ones out.
    area, partnerships, plans = herts
    objective = ObjectiveFactory(plan=plans[0].plan, section=plans[0].objectives["1.1"].section)
    update = QuarterlyUpdateFactory(
        objective=objective, period=plans[0].q2, rag_status=RagStatus.RED, state=QuarterlyUpdate.State.APPROVED
    )
    coordinator = MembershipFactory(partnership=partnerships[0], roles=(Role.COORDINATOR,)).user
    record_archive(user=coordinator, record=update, reason="Entered twice.")

    column = area_dashboard(user=analyst, area=area).columns[0]

    assert column.counts["red"] == 1  # 1.1 only
    assert column.counts["no_update"] == 1


def test_a_count_indicator_is_shown_per_1000_population(herts, analyst):
    area, _, _ = herts
    dashboard = area_dashboard(user=analyst, area=area)

    [row] = dashboard.indicator_rows
    assert row.label == "Police recorded crimes"
    # 400 crimes x 1,000 / 80,000 residents
    assert [cell.figure for cell in row.cells] == [Decimal("5.00"), Decimal("5.00")]
    assert row.cells[0].period_label == "Q1 2014/15"


def test_a_partnership_without_the_indicator_shows_not_measured(herts, analyst, client):
    area, partnerships, _ = herts
    Indicator.objects.filter(partnership=partnerships[1]).delete()
    client.force_login(analyst)

    html = client.get(reverse("areas:dashboard", args=[area.slug])).content.decode()

    assert "Not measured" in html
    assert "5.00" in html


def test_the_chart_has_a_text_alternative_and_the_same_figures_are_in_the_table(herts, analyst, client):
    area, partnerships, _ = herts
    client.force_login(analyst)

    html = client.get(reverse("areas:dashboard", args=[area.slug])).content.decode()

    svg = re.search(r'<figure class="app-chart" id="area-status-chart">(.*?)</figure>', html, re.S).group(1)
    assert 'role="img"' in svg
    assert 'aria-label="Hertfordshire: objectives by status' in svg
    description = re.search(r"<desc>(.*?)</desc>", svg, re.S).group(1)
    assert f"{partnerships[0].name}: 1 red, 1 amber, 0 no update, 0 update gives no status, 1 green" in description
    assert "the same figures are in the table above" in html


@pytest.mark.parametrize("count", [2, 6])
def test_the_dashboard_takes_the_same_number_of_queries_whatever_the_number_of_partnerships(
    count, client, django_assert_max_num_queries
):
    area, _, _ = _area_with(count, name=f"Area{count}")
    user = AreaMembershipFactory(area=area).user
    client.force_login(user)
    with django_assert_max_num_queries(22):
        response = client.get(reverse("areas:dashboard", args=[area.slug]))
    assert response.status_code == 200
    assert response.content.decode().count('<th scope="col" class="govuk-table__header">Area') >= count


def test_the_area_list_shows_only_the_users_areas(analyst, client):
    AreaFactory(name="Sussex", slug="sussex")
    client.force_login(analyst)

    response = client.get(reverse("areas:list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Hertfordshire" in html
    assert "Sussex" not in html


def test_the_navigation_offers_areas_to_an_area_analyst_only(analyst, herts, client):
    _, partnerships, _ = herts
    client.force_login(analyst)
    assert 'href="/areas/"' in client.get(reverse("home")).content.decode()

    coordinator = MembershipFactory(partnership=partnerships[0], roles=("coordinator",)).user
    client.force_login(coordinator)
    assert 'href="/areas/"' not in client.get(reverse("home")).content.decode()


AREA_PAGES = ["areas:dashboard", "areas:report"]
ROLES = ["coordinator", "group_chair", "lead_officer", "analyst", "viewer"]


@pytest.mark.parametrize("url_name", AREA_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_a_partnership_member_without_an_area_role_gets_404_for_area_pages(url_name, role, herts, client):
    area, partnerships, _ = herts
    client.force_login(MembershipFactory(partnership=partnerships[0], roles=(role,)).user)

    assert client.get(reverse(url_name, args=[area.slug])).status_code == 404


@pytest.mark.parametrize("url_name", AREA_PAGES)
def test_an_anonymous_visitor_is_sent_to_sign_in(url_name, herts, client):
    area, _, _ = herts
    response = client.get(reverse(url_name, args=[area.slug]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url_name", AREA_PAGES)
def test_another_areas_analyst_gets_404_and_a_superuser_sees_it(url_name, herts, client):
    area, _, _ = herts
    other = AreaMembershipFactory(area=AreaFactory(name="Sussex", slug="sussex")).user
    client.force_login(other)
    assert client.get(reverse(url_name, args=[area.slug])).status_code == 404

    client.force_login(UserFactory(is_superuser=True))
    assert client.get(reverse(url_name, args=[area.slug])).status_code == 200
