"""The area dashboard: an area's partnerships side by side, read in a fixed number of queries.

Each partnership shows its latest live plan, the priorities that plan addresses (`plans.rules`), how
many of its live objectives are at each status in the plan's current quarter (the one status rule,
`plans.selectors.status.period_status`: "No update" is never counted as green) and its key
indicators as figures per 1,000 population (`priorities.indicators`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString

from csp.models import Area, Partnership, ReportingPeriod
from csp.selectors import User, partnerships_visible_to
from plans.models import Objective, Plan, QuarterlyUpdate
from plans.rules import priorities_of_plans
from plans.selectors.access import LIVE_OBJECTIVE, LIVE_PLAN
from plans.selectors.status import STATUS_ORDER, PeriodStatus, StatusRow, period_status
from priorities.indicators import format_figure, rate_per_1000
from priorities.models import Indicator, Priority
from priorities.selectors import indicator_summaries, populations_by_year

from .charts import status_bar_chart

# Units whose figure can be put per 1,000 residents (a percentage cannot).
PER_1000_UNITS = (Indicator.Unit.COUNT, Indicator.Unit.RATE_PER_1000)


@dataclass
class AreaColumn:
    """One partnership's column of the dashboard."""

    partnership: Partnership
    plan: Plan | None = None
    period: ReportingPeriod | None = None
    priorities: list[Priority] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_ORDER, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def ordered(self) -> list[tuple[str, int]]:
        return [(status, self.counts[status]) for status in STATUS_ORDER]


@dataclass(frozen=True)
class IndicatorCell:
    figure: Decimal
    period_label: str
    period_end: object = None

    @property
    def display(self) -> str:
        return format_figure(self.figure, Indicator.Unit.RATE_PER_1000)


@dataclass
class IndicatorRow:
    """An indicator (matched by code and name across the partnerships) with each partnership's latest figure."""

    label: str
    cells: list[IndicatorCell | None]


@dataclass
class AreaDashboard:
    area: Area
    columns: list[AreaColumn]
    indicator_rows: list[IndicatorRow]
    chart: SafeString | str = ""

    @property
    def status_rows(self) -> list[tuple[str, str, list[int]]]:
        """(status, its words, the count in each column), in the order of every status table."""
        return [
            (status, PeriodStatus.label(status), [column.counts[status] for column in self.columns])
            for status in STATUS_ORDER
        ]


def _latest_live_plans(partnership_ids: list[int]) -> dict[int, Plan]:
    plans = (
        Plan.objects.filter(LIVE_PLAN, partnership_id__in=partnership_ids, status=Plan.Status.LIVE)
        .select_related("current_period")
        .order_by("partnership_id", "-period_start", "title")
    )
    latest: dict[int, Plan] = {}
    for plan in plans:
        latest.setdefault(plan.partnership_id, plan)
    return latest


def _current_periods(plans: dict[int, Plan], today) -> dict[int, ReportingPeriod]:
    """Each plan's quarter being updated: its chosen one, else the quarter containing today (as the plan page)."""
    periods = {pid: plan.current_period for pid, plan in plans.items() if plan.current_period_id}
    missing = [pid for pid in plans if pid not in periods]
    if missing:
        for quarter in ReportingPeriod.objects.filter(
            partnership_id__in=missing, kind=ReportingPeriod.Kind.QUARTER, start__lte=today, end__gte=today
        ):
            periods.setdefault(quarter.partnership_id, quarter)
    return periods


def _status_counts(columns: list[AreaColumn]) -> None:
    """Fill each column's counts from its plan's live objectives, by the one status rule, in two queries."""
    with_plan = {column.plan.pk: column for column in columns if column.plan is not None}
    objectives = list(
        Objective.objects.filter(LIVE_OBJECTIVE, plan_id__in=with_plan)
        .exclude(state=Objective.State.STRUCK)
        .values_list("pk", "plan_id")
    )
    period_of_plan = {pk: column.period.pk for pk, column in with_plan.items() if column.period is not None}
    wanted = Q(pk__in=[])
    for plan_id, period_id in period_of_plan.items():
        wanted |= Q(objective__plan_id=plan_id, period_id=period_id)
    # Rows, not model instances (an area's plans hold a thousand items and more). No model ordering: it joins
    # partnerships, plans, objectives and periods only to sort a dict's input.
    updates = {
        objective_id: StatusRow(rag_status=rag_status, state=state, archived_at=archived_at)
        for objective_id, state, rag_status, archived_at in QuarterlyUpdate.objects.filter(
            wanted, objective_id__in=[pk for pk, _ in objectives]
        )
        .order_by()
        .values_list("objective_id", "state", "rag_status", "archived_at")
    }
    for objective_id, plan_id in objectives:
        with_plan[plan_id].counts[period_status(updates.get(objective_id))] += 1


def _indicator_rows(columns: list[AreaColumn]) -> list[IndicatorRow]:
    """Key indicators per 1,000 population: rows matched by code and name, the latest reading of each partnership."""
    index = {column.partnership.pk: position for position, column in enumerate(columns)}
    indicators = Indicator.objects.filter(partnership_id__in=index, unit__in=PER_1000_UNITS).order_by(
        "code", "name", "pk"
    )
    summaries = indicator_summaries(indicators)
    populations = populations_by_year(index)
    rows: dict[str, IndicatorRow] = {}
    for summary in summaries:
        indicator, latest = summary.indicator, summary.latest
        if latest is None or latest.value is None:
            continue
        if indicator.unit == Indicator.Unit.RATE_PER_1000:
            figure = latest.figure
        else:
            figure = rate_per_1000(latest.value, populations.get((indicator.partnership_id, latest.financial_year)))
        if figure is None:
            continue
        label = " ".join(part for part in (indicator.code, indicator.name) if part)
        row = rows.setdefault(label.casefold(), IndicatorRow(label=label, cells=[None] * len(columns)))
        position = index[indicator.partnership_id]
        current = row.cells[position]
        # Two indicators of one partnership with the same name: the more recent reading stands.
        if current is None or latest.period_end > current.period_end:
            row.cells[position] = IndicatorCell(figure=figure, period_label=latest.label, period_end=latest.period_end)
    return sorted(rows.values(), key=lambda row: row.label.casefold())


def area_dashboard(*, user: User, area: Area, today=None) -> AreaDashboard:
    """The area's partnerships the user sees, side by side: plan, priorities, status counts, key indicators."""
    today = today or timezone.localdate()
    partnerships = list(partnerships_visible_to(user).filter(area=area).order_by("name"))
    ids = [p.pk for p in partnerships]
    plans = _latest_live_plans(ids)
    periods = _current_periods(plans, today)
    priorities = priorities_of_plans([plan.pk for plan in plans.values()])
    columns = [
        AreaColumn(
            partnership=partnership,
            plan=plans.get(partnership.pk),
            period=periods.get(partnership.pk),
            priorities=priorities.get(plans[partnership.pk].pk, []) if partnership.pk in plans else [],
        )
        for partnership in partnerships
    ]
    _status_counts(columns)
    chart = ""
    if columns:
        chart = status_bar_chart(
            title=f"{area}: objectives by status in each partnership's current quarter",
            bars=[(column.partnership.display_name, column.ordered) for column in columns],
        )
    return AreaDashboard(area=area, columns=columns, indicator_rows=_indicator_rows(columns), chart=chart)
