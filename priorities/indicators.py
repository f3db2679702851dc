"""Indicator arithmetic, written once: rates, targets, the status a figure suggests, direction of travel.

Pure functions on numbers (no queries), so pages, reports, the API and the tests share them.
The rules:
- A rate per 1,000 population is the counted value x 1,000 / the population of that financial
  year, to 2 decimal places; with no population the rate is unknown (None), never 0.
- The target of a year is the figure set for that year, else the indicator's own target (a
  figure, or the baseline moved by a % change).
- A figure meets its target when it is at or below it (lower is better) or at or above it
  (higher is better): green. Missing by no more than the tolerance (a % of the target): amber.
  Further: red. No figure or no target: no suggestion (None), never a guess.
- Direction of travel compares two figures with the indicator's polarity: improving, worse or
  no change; unknown when either figure is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from plans.selectors.status import PeriodStatus

TWO_PLACES = Decimal("0.01")


class Polarity(StrEnum):
    """Which way is better; the values are the Indicator.direction choices."""

    LOWER_IS_BETTER = "down"
    HIGHER_IS_BETTER = "up"


class Travel(StrEnum):
    IMPROVING = "improving"
    WORSE = "worse"
    NO_CHANGE = "no_change"

    @property
    def label(self) -> str:
        return {"improving": "Improving", "worse": "Getting worse", "no_change": "No change"}[self.value]


def rate_per_1000(value: Decimal, population: int | None) -> Decimal | None:
    """value x 1,000 / population, to 2 places; None without a population."""
    if not population or population <= 0:
        return None
    return (Decimal(value) * 1000 / Decimal(population)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def figure_of(*, value: Decimal | None, unit: str, population: int | None) -> Decimal | None:
    """The figure an indicator is judged on: a rate for rate indicators, else the value itself."""
    if value is None:
        return None
    if unit == "rate_per_1000":
        return rate_per_1000(value, population)
    return Decimal(value)


def target_of(
    *,
    financial_year: int,
    targets_by_year: dict[int, Decimal],
    target_value: Decimal | None,
    baseline: Decimal | None,
    target_change_percent: Decimal | None,
) -> Decimal | None:
    """The year's own target, else the indicator's figure, else the baseline moved by the % change."""
    if financial_year in targets_by_year:
        return targets_by_year[financial_year]
    if target_value is not None:
        return target_value
    if baseline is not None and target_change_percent is not None:
        return (baseline * (1 + target_change_percent / 100)).quantize(Decimal("0.001"))
    return None


def suggested_status(
    *, figure: Decimal | None, target: Decimal | None, polarity: str, tolerance_percent: Decimal
) -> str | None:
    """Green when the target is met, amber within the tolerance, red beyond; None when unknown."""
    if figure is None or target is None:
        return None
    band = abs(target) * Decimal(tolerance_percent) / 100
    shortfall = target - figure if polarity == Polarity.HIGHER_IS_BETTER else figure - target
    if shortfall <= 0:
        return PeriodStatus.GREEN
    if shortfall <= band:
        return PeriodStatus.AMBER
    return PeriodStatus.RED


def travel(*, current: Decimal | None, previous: Decimal | None, polarity: str) -> Travel | None:
    """Improving / worse / no change from the previous figure to the current one."""
    if current is None or previous is None:
        return None
    if current == previous:
        return Travel.NO_CHANGE
    went_down = current < previous
    better = went_down if polarity != Polarity.HIGHER_IS_BETTER else not went_down
    return Travel.IMPROVING if better else Travel.WORSE


@dataclass(frozen=True)
class Point:
    """One period of an indicator's series, with everything a chart, table or report shows."""

    period_id: int
    label: str
    financial_year: int
    quarter: int | None
    value: Decimal | None
    figure: Decimal | None
    target: Decimal | None
    status: str | None
    note: str = ""
    unit: str = "count"
    period_end: object = None  # datetime.date of the period's last day

    @property
    def figure_display(self) -> str:
        return format_figure(self.figure, self.unit)

    @property
    def target_display(self) -> str:
        return format_figure(self.target, self.unit)


def format_figure(value: Decimal | None, unit: str) -> str:
    """A figure as people read it: rates to 2 places, percentages with '%', counts with commas."""
    if value is None:
        return ""
    if unit == "rate_per_1000":
        return f"{value:,.2f}"
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return f"{text}%" if unit == "percentage" else text
