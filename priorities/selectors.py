"""Reads of priorities, themes, indicators and readings, always scoped to the user."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from csp.models import PartnershipPopulation, ReportingPeriod, Role
from csp.selectors import EDITOR_ROLES, User, has_role, partnership_ids_visible_to

from .indicators import Point, Travel, figure_of, suggested_status, target_of, travel
from .models import Indicator, IndicatorReading, IndicatorTarget, Priority, Theme


def priorities_visible_to(user: User, *, include_archived: bool = False) -> QuerySet[Priority]:
    """Priorities of the user's partnerships (archived ones only when asked: detail lookups, restore)."""
    priorities = Priority.objects.filter(partnership__in=partnership_ids_visible_to(user))
    return priorities if include_archived else priorities.filter(archived_at__isnull=True)


def themes_visible_to(user: User) -> QuerySet[Theme]:
    """Themes of the priorities of the user's partnerships."""
    return Theme.objects.filter(priority__partnership__in=partnership_ids_visible_to(user))


def indicators_visible_to(user: User) -> QuerySet[Indicator]:
    """Indicators of the user's partnerships."""
    return Indicator.objects.filter(partnership__in=partnership_ids_visible_to(user))


def readings_visible_to(user: User) -> QuerySet[IndicatorReading]:
    """Indicator readings of the user's partnerships."""
    return IndicatorReading.objects.filter(indicator__partnership__in=partnership_ids_visible_to(user))


def reading_figure(reading: IndicatorReading) -> Decimal | None:
    """The figure to show for a reading: a rate per 1,000 from the year's population, else the value.

    None when a rate is asked for and the partnership has no population for that financial year.
    """
    population = (
        PartnershipPopulation.objects.filter(
            partnership_id=reading.indicator.partnership_id, financial_year=reading.period.financial_year
        )
        .values_list("population", flat=True)
        .first()
    )
    return figure_of(value=reading.value, unit=reading.indicator.unit, population=population)


# Who may record readings: the people who count the figures and the people who answer for them.
READING_ROLES = frozenset({Role.COORDINATOR, Role.ANALYST, Role.LEAD_OFFICER})


def can_record_readings(user: User, partnership_id: int) -> bool:
    return has_role(user, partnership_id, *READING_ROLES)


# Who sets an indicator's yearly targets and tolerance: those who own the partnership's figures.
TARGET_ROLES = frozenset({Role.COORDINATOR, Role.ANALYST})


def can_set_targets(user: User, partnership_id: int) -> bool:
    return has_role(user, partnership_id, *TARGET_ROLES)


def access_indicator(user: User, pk: int, *, for_readings: bool = False) -> Indicator:
    """An indicator of the user's partnerships (else 404); with for_readings, one they may record (else 403)."""
    indicator = get_object_or_404(
        indicators_visible_to(user).select_related("partnership", "priority", "baseline_period"), pk=pk
    )
    if for_readings and not can_record_readings(user, indicator.partnership_id):
        raise PermissionDenied("Only coordinators, analysts and lead officers of this partnership record readings.")
    return indicator


def populations_by_year(partnership_ids) -> dict[tuple[int, int], int]:
    rows = PartnershipPopulation.objects.filter(partnership_id__in=partnership_ids).values_list(
        "partnership_id", "financial_year", "population"
    )
    return {(pid, year): population for pid, year, population in rows}


def _targets(indicator_ids) -> dict[int, dict[int, Decimal]]:
    targets: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for indicator_id, year, value in IndicatorTarget.objects.filter(indicator_id__in=indicator_ids).values_list(
        "indicator_id", "financial_year", "value"
    ):
        targets[indicator_id][year] = value
    return targets


def _point(indicator: Indicator, reading, period, populations, targets) -> Point:
    figure = figure_of(
        value=reading.value if reading else None,
        unit=indicator.unit,
        population=populations.get((indicator.partnership_id, period.financial_year)),
    )
    target = target_of(
        financial_year=period.financial_year,
        targets_by_year=targets.get(indicator.pk, {}),
        target_value=indicator.target_value,
        baseline=indicator.baseline,
        target_change_percent=indicator.target_change_percent,
    )
    return Point(
        period_id=period.pk,
        label=period.label,
        financial_year=period.financial_year,
        quarter=period.number if period.kind == ReportingPeriod.Kind.QUARTER else None,
        value=reading.value if reading else None,
        figure=figure,
        target=target,
        status=suggested_status(
            figure=figure, target=target, polarity=indicator.direction, tolerance_percent=indicator.tolerance_percent
        ),
        note=reading.note if reading else "",
        unit=indicator.unit,
        period_end=period.end,
    )


@dataclass
class IndicatorSummary:
    """An indicator with its series (readings in period order) and what the latest reading says."""

    indicator: Indicator
    points: list[Point]
    sparkline: str = ""

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def previous(self) -> Point | None:
        """The reading before the latest one (the last quarter, when readings are quarterly)."""
        return self.points[-2] if len(self.points) > 1 else None

    @property
    def same_period_last_year(self) -> Point | None:
        latest = self.latest
        if latest is None:
            return None
        for point in self.points:
            if point.financial_year == latest.financial_year - 1 and point.quarter == latest.quarter:
                return point
        return None

    @property
    def travel_since_previous(self) -> Travel | None:
        previous = self.previous
        return travel(
            current=self.latest.figure if self.latest else None,
            previous=previous.figure if previous else None,
            polarity=self.indicator.direction,
        )

    @property
    def travel_since_last_year(self) -> Travel | None:
        last_year = self.same_period_last_year
        return travel(
            current=self.latest.figure if self.latest else None,
            previous=last_year.figure if last_year else None,
            polarity=self.indicator.direction,
        )


def indicator_summaries(indicators) -> list[IndicatorSummary]:
    """Each indicator with its readings as points, in four queries whatever the number of indicators."""
    indicators = list(indicators)
    ids = [indicator.pk for indicator in indicators]
    populations = populations_by_year({indicator.partnership_id for indicator in indicators})
    targets = _targets(ids)
    readings = defaultdict(list)
    for reading in (
        IndicatorReading.objects.filter(indicator_id__in=ids).select_related("period").order_by("period__start", "pk")
    ):
        readings[reading.indicator_id].append(reading)
    return [
        IndicatorSummary(
            indicator=indicator,
            points=[
                _point(indicator, reading, reading.period, populations, targets)
                for reading in readings.get(indicator.pk, [])
            ],
        )
        for indicator in indicators
    ]


def indicator_summary(indicator: Indicator) -> IndicatorSummary:
    return indicator_summaries([indicator])[0]


def indicator_targets(indicator: Indicator) -> dict[int, Decimal]:
    return _targets([indicator.pk]).get(indicator.pk, {})


@dataclass(frozen=True)
class Suggestion:
    """What an outcome's indicator says for a period: its latest reading up to then, and the status it suggests."""

    indicator: Indicator
    point: Point

    @property
    def status(self) -> str | None:
        return self.point.status

    @property
    def sentence(self) -> str:
        text = f"{self.indicator}: {self.point.figure_display or 'no figure'} in {self.point.label}"
        if self.point.target is not None:
            text += f" against a target of {self.point.target_display}"
        return text


def suggestions_by_period(outcomes, periods) -> dict[tuple[int, int], Suggestion]:
    """(outcome id, period id) -> the suggestion of the outcome's indicator for that period.

    The suggestion is the latest reading up to the period's end, judged against its target.
    Outcomes without an indicator, or whose indicator has no reading by then, have none.
    A constant number of queries whatever the number of outcomes and periods.
    """
    linked = [outcome for outcome in outcomes if outcome.indicator_id]
    if not linked:
        return {}
    summaries = {
        summary.indicator.pk: summary
        for summary in indicator_summaries(Indicator.objects.filter(pk__in={o.indicator_id for o in linked}))
    }
    found = {}
    for period in periods:
        for outcome in linked:
            summary = summaries[outcome.indicator_id]
            points = [p for p in summary.points if p.period_end and p.period_end <= period.end]
            if points:
                found[(outcome.pk, period.pk)] = Suggestion(indicator=summary.indicator, point=points[-1])
    return found


def suggestions_for_outcomes(outcomes, period: ReportingPeriod) -> dict[int, Suggestion]:
    """outcome id -> the suggestion of its indicator for one period (see suggestions_by_period)."""
    return {outcome_id: s for (outcome_id, _), s in suggestions_by_period(outcomes, [period]).items()}


def access_priority(user: User, pk: int, *, for_change: bool = False) -> Priority:
    """A priority the user may see (else 404); with for_change, one they may also change (else 403)."""
    priority = get_object_or_404(
        priorities_visible_to(user, include_archived=True).select_related("partnership"), pk=pk
    )
    if for_change and not has_role(user, priority.partnership_id, *EDITOR_ROLES):
        raise PermissionDenied("Only a coordinator of this partnership can change its priorities.")
    return priority


def objective_indicator_summaries(objective) -> list[IndicatorSummary]:
    """The indicators an objective is measured by (its own, and its outcomes'), each with a sparkline."""
    return indicator_summaries_by_objective([objective]).get(objective.pk, [])


def indicator_summaries_by_objective(objectives) -> dict[int, list[IndicatorSummary]]:
    """objective id -> the indicators it is measured by (its own, and its outcomes'), each with a sparkline.

    Prefetch the objectives' `indicators` and `outcomes` (the item page has them; the review dashboard
    prefetches its page of rows): then four queries whatever the number of objectives.
    """
    from reporting.charts import sparkline

    wanted = {
        objective.pk: {i.pk for i in objective.indicators.all()}
        | {o.indicator_id for o in objective.outcomes.all() if o.indicator_id}
        for objective in objectives
    }
    all_ids = set().union(*wanted.values()) if wanted else set()
    if not all_ids:
        return {}
    summaries = indicator_summaries(Indicator.objects.filter(pk__in=all_ids).order_by("code", "name"))
    for summary in summaries:
        summary.sparkline = sparkline(label=str(summary.indicator), points=summary.points)
    return {
        objective_id: [summary for summary in summaries if summary.indicator.pk in ids]
        for objective_id, ids in wanted.items()
    }
