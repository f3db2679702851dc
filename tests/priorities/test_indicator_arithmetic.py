"""Indicator arithmetic (priorities/indicators.py): rates, polarity, tolerance, missing figures."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from plans.selectors.status import PeriodStatus
from priorities.indicators import Travel, figure_of, rate_per_1000, suggested_status, target_of, travel

figures = st.decimals(min_value=0, max_value=1_000_000, places=3, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value=Decimal("0.001"), max_value=1_000_000, places=3)
tolerances = st.decimals(min_value=0, max_value=100, places=2)
polarities = st.sampled_from(["down", "up"])
RANK = {PeriodStatus.GREEN: 0, PeriodStatus.AMBER: 1, PeriodStatus.RED: 2}


def test_rate_per_1000_of_a_real_plan_figure():
    # 198 crimes in a population of 120,000: 1.65 per 1,000.
    assert rate_per_1000(Decimal("198"), 120_000) == Decimal("1.65")


@given(value=figures, population=st.integers(min_value=1, max_value=10_000_000))
def test_rate_is_value_per_thousand_people_to_two_places(value, population):
    rate = rate_per_1000(value, population)
    assert abs(rate - value * 1000 / population) <= Decimal("0.005")


@given(value=figures, population=st.sampled_from([None, 0, -5]))
def test_a_rate_without_a_population_is_unknown_never_zero(value, population):
    assert rate_per_1000(value, population) is None
    assert figure_of(value=value, unit="rate_per_1000", population=population) is None


@given(value=figures)
def test_counts_and_percentages_are_their_own_figure(value):
    assert figure_of(value=value, unit="count", population=None) == value
    assert figure_of(value=value, unit="percentage", population=123) == value


def test_target_of_a_year_wins_then_the_figure_then_the_baseline_change():
    common = {"target_value": Decimal("80"), "baseline": Decimal("100"), "target_change_percent": Decimal("-5")}
    assert target_of(financial_year=2014, targets_by_year={2014: Decimal("70")}, **common) == Decimal("70")
    assert target_of(financial_year=2015, targets_by_year={2014: Decimal("70")}, **common) == Decimal("80")
    common["target_value"] = None
    assert target_of(financial_year=2015, targets_by_year={}, **common) == Decimal("95.000")
    assert (
        target_of(
            financial_year=2015,
            targets_by_year={},
            target_value=None,
            baseline=None,
            target_change_percent=Decimal("-5"),
        )
        is None
    )


def test_stevenage_asb_up_6_percent_against_a_5_percent_fall_is_red():
    # Stevenage 2014/15 objective 6.4: a quarterly 5% decrease in ASB asked for; Q1 showed a 6% increase.
    baseline = Decimal("100")
    target = target_of(
        financial_year=2014,
        targets_by_year={},
        target_value=None,
        baseline=baseline,
        target_change_percent=Decimal("-5"),
    )
    assert (
        suggested_status(figure=Decimal("106"), target=target, polarity="down", tolerance_percent=Decimal("5"))
        == PeriodStatus.RED
    )


@given(target=positive, tolerance=tolerances, polarity=polarities)
def test_meeting_the_target_exactly_is_green(target, tolerance, polarity):
    assert suggested_status(figure=target, target=target, polarity=polarity, tolerance_percent=tolerance) == "green"


@given(figure=figures, target=positive, tolerance=tolerances)
def test_status_follows_the_tolerance_band(figure, target, tolerance):
    status = suggested_status(figure=figure, target=target, polarity="down", tolerance_percent=tolerance)
    if figure <= target:
        assert status == PeriodStatus.GREEN
    elif figure <= target + target * tolerance / 100:
        assert status == PeriodStatus.AMBER
    else:
        assert status == PeriodStatus.RED


@given(figure=figures, target=positive, tolerance=tolerances)
def test_polarity_mirrors_the_band(figure, target, tolerance):
    """Higher-is-better judged on f is lower-is-better judged on the mirror image 2t - f."""
    up = suggested_status(figure=figure, target=target, polarity="up", tolerance_percent=tolerance)
    down = suggested_status(figure=2 * target - figure, target=target, polarity="down", tolerance_percent=tolerance)
    assert up == down


@given(a=figures, b=figures, target=positive, tolerance=tolerances, polarity=polarities)
def test_a_better_figure_never_gets_a_worse_status(a, b, target, tolerance, polarity):
    better, worse = (min(a, b), max(a, b)) if polarity == "down" else (max(a, b), min(a, b))
    status_better = suggested_status(figure=better, target=target, polarity=polarity, tolerance_percent=tolerance)
    status_worse = suggested_status(figure=worse, target=target, polarity=polarity, tolerance_percent=tolerance)
    assert RANK[status_better] <= RANK[status_worse]


@given(value=figures, tolerance=tolerances, polarity=polarities)
def test_no_figure_or_no_target_suggests_nothing(value, tolerance, polarity):
    assert suggested_status(figure=None, target=value, polarity=polarity, tolerance_percent=tolerance) is None
    assert suggested_status(figure=value, target=None, polarity=polarity, tolerance_percent=tolerance) is None


@given(a=figures, b=figures, polarity=polarities)
def test_travel_reverses_when_the_figures_swap(a, b, polarity):
    forward = travel(current=a, previous=b, polarity=polarity)
    backward = travel(current=b, previous=a, polarity=polarity)
    if a == b:
        assert forward == backward == Travel.NO_CHANGE
    else:
        assert {forward, backward} == {Travel.IMPROVING, Travel.WORSE}


def test_travel_follows_polarity_and_needs_both_figures():
    assert travel(current=Decimal("5"), previous=Decimal("6"), polarity="down") == Travel.IMPROVING
    assert travel(current=Decimal("5"), previous=Decimal("6"), polarity="up") == Travel.WORSE
    assert travel(current=None, previous=Decimal("6"), polarity="up") is None
    assert travel(current=Decimal("6"), previous=None, polarity="up") is None
