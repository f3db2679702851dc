"""Issue 14: a sparkline of each objective's indicators on the review dashboard, with its meaning in words."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import ExpectedOutcome
from tests.factories import IndicatorFactory, IndicatorReadingFactory, ObjectiveFactory

from .review_setup import build_review_world


@pytest.fixture
def world(db):
    return build_review_world()


def _measured_objectives(world, count: int, *, start: int = 0):
    """`count` objectives, each measured by its own indicator (half directly, half through an outcome)."""
    objectives = []
    for index in range(start, start + count):
        objective = ObjectiveFactory(plan=world.plan, section=world.objective.section, ref=f"T{index}")
        indicator = IndicatorFactory(partnership=world.partnership, code=f"LI {index}", name=f"Thefts {index}")
        IndicatorReadingFactory(indicator=indicator, period=world.q1, value=40 + index)
        IndicatorReadingFactory(indicator=indicator, period=world.q2, value=30 + index)
        if index % 2:
            ExpectedOutcome.objects.create(objective=objective, number=1, text="Fewer thefts", indicator=indicator)
        else:
            objective.indicators.add(indicator)
        objectives.append(objective)
    return objectives


def _dashboard(client):
    return client.get(reverse("plans:review_dashboard"), {"status": "all"})


def test_each_row_shows_its_indicators_trend_with_a_text_alternative(client, world):
    _measured_objectives(world, 2)
    client.force_login(world.user("chair"))
    html = _dashboard(client).content.decode()
    assert "Indicator trend" in html
    # The sparkline says what it draws, and the latest figure is written beside it.
    assert 'aria-label="LI 0 Thefts 0: from 40 to 30 over 2 readings"' in html or re.search(
        r'aria-label="[^"]*Thefts 0: from 40 to 30 over 2 readings"', html
    )
    assert re.search(r"LI 0: 30 in [^<]*Q2", html), html[html.find("Indicator trend") :][:3000]
    assert re.search(r'aria-label="[^"]*Thefts 1: from 41 to 31 over 2 readings"', html)
    assert html.count('class="app-sparkline"') == 2


def test_an_objective_without_indicators_shows_a_dash(client, world):
    client.force_login(world.user("chair"))
    html = _dashboard(client).content.decode()
    assert 'class="app-sparkline"' not in html
    assert "Indicator trend" in html


def test_trends_cost_the_same_queries_for_2_and_12_measured_objectives(client, world):
    client.force_login(world.user("chair"))
    _measured_objectives(world, 2)
    with CaptureQueriesContext(connection) as small:
        assert _dashboard(client).status_code == 200
    _measured_objectives(world, 10, start=2)
    with CaptureQueriesContext(connection) as large:
        assert _dashboard(client).status_code == 200
    assert len(large) == len(small)
