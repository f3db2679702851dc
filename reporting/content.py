"""What each report says: the data of a job assembled in a constant number of queries.

The PDF, the HTML page and the exports all read from here, so they say the same thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from csp.models import Partnership, RagStatus, ReportingPeriod
from plans.models import ExpectedOutcome, Meeting, Objective, ObjectiveLead, OutcomeStatus, Plan, QuarterlyUpdate
from plans.rules import LEAD_LABEL_RELATED, leads_label, objective_overdue_q, overdue_reference_date, priorities_of_plan
from plans.selectors.access import LIVE_OBJECTIVE
from plans.selectors.meetings import meeting_pack_for
from plans.selectors.status import (
    COUNTED_UPDATE_STATES,
    STATUSES_WITH_REASON,
    PeriodStatus,
    outcome_period_status,
    period_status,
    update_counts,
)
from priorities.models import Indicator
from priorities.selectors import indicator_summaries

from .charts import indicator_trend_chart, status_bar_chart
from .models import ReportJob
from .selectors import (
    PriorityStatusCounts,
    counted_more_than_once,
    plan_status_totals,
    status_columns,
    status_counts_by_priority,
)


@dataclass
class OutcomeLine:
    number: int
    text: str
    status: str
    note: str


@dataclass
class ObjectiveLine:
    """One objective as a report shows it for one period (and the quarters before it)."""

    objective: Objective
    leads: str
    due: str
    status: str
    update: QuarterlyUpdate | None
    outcomes: list[OutcomeLine]
    trend: list[tuple[ReportingPeriod, str]] = field(default_factory=list)
    spend_to_date: Decimal | None = None

    @property
    def narrative(self) -> str:
        return self.update.progress if update_counts(self.update) else ""

    @property
    def needs_reason(self) -> bool:
        return self.status in STATUSES_WITH_REASON

    @property
    def reason(self) -> str:
        """Why the status is red or amber: the counted update's rag_note."""
        return self.update.rag_note if self.needs_reason and update_counts(self.update) else ""

    @property
    def outcome_notes(self) -> list[OutcomeLine]:
        """The outcomes with a note in the counted update: shown beside a red or amber status."""
        return [outcome for outcome in self.outcomes if outcome.note]

    @property
    def status_label(self) -> str:
        return PeriodStatus.label(self.status)

    @property
    def is_struck(self) -> bool:
        return self.objective.is_struck

    @property
    def resources(self) -> str:
        """The resources as the plan words them ('Existing resources / officer time'), one per line joined."""
        return "; ".join(self.objective.resource_list)

    @property
    def cost_words(self) -> str:
        """The cost when the plan gives no figure: its words ('TBC', 'Officer time'), else 'Not costed'."""
        return self.objective.cost_text or "Not costed"


def _total(amounts) -> Decimal | None:
    given = [amount for amount in amounts if amount is not None]
    return sum(given, Decimal(0)) if given else None


@dataclass
class ObjectiveGroup:
    """A section of the plan (usually one priority) with its objectives."""

    label: str
    anchor: str
    priority_label: str
    lines: list[ObjectiveLine]

    @property
    def cost_total(self) -> Decimal | None:
        """The costs given as figures; None when no live objective gives one ("Not costed", never £0.00)."""
        return _total(line.objective.cost_amount for line in self.lines if not line.is_struck)

    @property
    def spend_total(self) -> Decimal | None:
        """Spend reported in updates; None when none is ("Not reported", never £0.00)."""
        return _total(line.spend_to_date for line in self.lines if not line.is_struck)


def quarters_through(period: ReportingPeriod) -> list[ReportingPeriod]:
    """The quarters of a period's financial year from Q1 up to the period (or through a half-year)."""
    quarters = ReportingPeriod.objects.filter(
        partnership_id=period.partnership_id,
        kind=ReportingPeriod.Kind.QUARTER,
        financial_year=period.financial_year,
    ).order_by("start")
    if period.kind == ReportingPeriod.Kind.HALF_YEAR:
        return list(quarters.filter(start__gte=period.start, end__lte=period.end))
    return list(quarters.filter(end__lte=period.end))


def plan_objectives_for_report(plan: Plan, periods: list[ReportingPeriod]) -> QuerySet[Objective]:
    """A plan's objectives with their leads, outcomes and the updates of the given periods, prefetched."""
    updates = QuarterlyUpdate.objects.filter(period__in=periods, archived_at__isnull=True).select_related("period")
    return (
        plan.objectives.filter(LIVE_OBJECTIVE)
        .select_related("section__priority")
        .prefetch_related(
            "priorities",
            Prefetch(
                "leads",
                # Within each objective only (the model's ordering joins plan and partnership to sort).
                queryset=ObjectiveLead.objects.select_related(*LEAD_LABEL_RELATED).order_by(
                    "objective_id", "position", "id"
                ),
            ),
            Prefetch("outcomes", queryset=ExpectedOutcome.objects.order_by("number")),
            Prefetch(
                "updates",
                queryset=updates.prefetch_related(Prefetch("outcome_statuses", queryset=OutcomeStatus.objects.all())),
                to_attr="report_updates",
            ),
        )
        .order_by("section__position", "section__id", "position", "id")
    )


def _leads_text(objective: Objective) -> str:
    """The lead column as the plan words it, else its leads as every page says them (`lead_label`)."""
    return objective.lead_text or leads_label(objective.leads.all())


def _due_text(objective: Objective) -> str:
    if objective.due_text:
        return objective.due_text
    return date_format(objective.due_date, "j F Y") if objective.due_date else ""


def objective_line(objective: Objective, period: ReportingPeriod, quarters: list[ReportingPeriod]) -> ObjectiveLine:
    """An objective's status, narrative and outcomes for `period`, with its trend through `quarters`."""
    by_period = {update.period_id: update for update in objective.report_updates}
    update = by_period.get(period.pk)
    statuses = {s.outcome_id: s for s in update.outcome_statuses.all()} if update else {}
    counted = update_counts(update)
    outcomes = [
        OutcomeLine(
            number=outcome.number,
            text=outcome.text,
            status=outcome_period_status(update, statuses.get(outcome.pk)),
            note=statuses[outcome.pk].note if counted and outcome.pk in statuses else "",
        )
        for outcome in objective.outcomes.all()
    ]
    return ObjectiveLine(
        objective=objective,
        leads=_leads_text(objective),
        due=_due_text(objective),
        status=period_status(update),
        update=update,
        outcomes=outcomes,
        trend=[(quarter, period_status(by_period.get(quarter.pk))) for quarter in quarters],
    )


def _groups(lines: list[ObjectiveLine]) -> list[ObjectiveGroup]:
    groups: dict[int | None, ObjectiveGroup] = {}
    for line in lines:
        section = line.objective.section
        key = section.pk if section else None
        if key not in groups:
            groups[key] = ObjectiveGroup(
                label=str(section) if section else "Other objectives",
                anchor=f"section-{key or 'other'}",
                priority_label=str(section.priority) if section and section.priority_id else "",
                lines=[],
            )
        groups[key].lines.append(line)
    return list(groups.values())


def _status_sort_key(line: ObjectiveLine) -> tuple[int, int]:
    return (0 if line.status == PeriodStatus.RED else 1, line.objective.position)


def _counts_chart(rows: list[PriorityStatusCounts], caption: str) -> str:
    return status_bar_chart(title=caption, bars=[(row.label, row.ordered) for row in rows])


@dataclass
class StatusSummary:
    """A plan's status table for a quarter: rows per priority, and a total that counts each objective once."""

    rows: list[PriorityStatusCounts]
    totals: dict[str, int]
    columns: list[tuple[str, str]]
    overdue: int

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    @property
    def total_cells(self) -> list[tuple[str, str, int]]:
        return [(status, label, self.totals[status]) for status, label in self.columns]

    @property
    def counted_more_than_once(self) -> bool:
        return counted_more_than_once(self.rows, self.totals)


def status_summary(plan: Plan, period: ReportingPeriod) -> StatusSummary:
    """The figures every report's summary shows for a plan and quarter, from the one rule per concept."""
    reference = overdue_reference_date(period)
    overdue = plan.objectives.filter(LIVE_OBJECTIVE, objective_overdue_q(reference)).count()
    return StatusSummary(
        rows=status_counts_by_priority(plan, period),
        totals=plan_status_totals(plan, period),
        columns=status_columns(),
        overdue=overdue,
    )


def _latest_reported_quarter(plan: Plan, quarters: list[ReportingPeriod]) -> ReportingPeriod:
    """The half-year's latest quarter with a submitted update (its last quarter if none has one yet)."""
    reported = set(
        QuarterlyUpdate.objects.filter(
            objective__plan=plan, period__in=quarters, state__in=COUNTED_UPDATE_STATES, archived_at__isnull=True
        ).values_list("period_id", flat=True)
    )
    return next((q for q in reversed(quarters) if q.pk in reported), quarters[-1])


def plan_indicators(plan: Plan, period: ReportingPeriod) -> list:
    """The plan's indicators (of its priorities, or linked to its outcomes) with readings up to the period's end.

    Each is a priorities.selectors.IndicatorSummary with a trend chart; a constant number of queries.
    """
    indicators = (
        Indicator.objects.filter(
            Q(priority__in=priorities_of_plan(plan).values("pk")) | Q(outcomes__objective__plan=plan)
        )
        .distinct()
        .select_related("priority")
        .order_by("priority__position", "code", "name")
    )
    summaries = indicator_summaries(indicators)
    for summary in summaries:
        summary.points = [p for p in summary.points if p.period_end and p.period_end <= period.end]
        summary.chart = indicator_trend_chart(
            title=f"{summary.indicator}: figures against target to {period.label}",
            points=summary.points,
            unit=summary.indicator.get_unit_display(),
        )
    return summaries


def plan_report_content(job: ReportJob) -> dict:
    """The board, Responsible Authorities Group or PCC report of a plan for the job's period."""
    plan, period = job.plan, job.period
    is_half_year = period.kind == ReportingPeriod.Kind.HALF_YEAR
    quarters = quarters_through(period)
    status_period = _latest_reported_quarter(plan, quarters) if is_half_year and quarters else period
    periods = list({p.pk: p for p in [*quarters, status_period]}.values())
    objectives = list(plan_objectives_for_report(plan, periods))
    lines = [objective_line(objective, status_period, quarters) for objective in objectives]
    if is_half_year:
        for line in lines:
            spends = [u for u in line.objective.report_updates if update_counts(u) and u.spend_to_date is not None]
            line.spend_to_date = max(spends, key=lambda u: u.period.start).spend_to_date if spends else None
    live = [line for line in lines if not line.is_struck]
    summary = status_summary(plan, status_period)
    groups = _groups(lines)
    struck = [line for line in lines if line.is_struck]
    contents = [("summary", "Summary")]
    if job.kind == ReportJob.Kind.BOARD:
        contents.append(("exceptions", "Exceptions: red and amber"))
    indicators = plan_indicators(plan, status_period)
    if indicators:
        contents.append(("indicators", "Indicators"))
    if job.kind == ReportJob.Kind.PCC:
        contents.append(("budget", "Budget"))
    contents += [(group.anchor, group.label) for group in groups]
    if struck:
        contents.append(("struck", "Struck from the plan"))
    return {
        "job": job,
        "kind": job.kind,
        "title": job.get_kind_display(),
        "partnership": plan.partnership,
        "plan": plan,
        "period": period,
        "status_period": status_period,
        "quarters": quarters,
        "generated_at": timezone.localtime(),
        "summary": summary,
        "chart_svg": _counts_chart(summary.rows, f"Objectives by status and priority, {status_period.label}"),
        "exceptions": sorted((line for line in live if line.needs_reason), key=_status_sort_key),
        "indicators": indicators,
        "groups": groups,
        "struck": struck,
        "contents": contents,
        "objective_count": len(live),
        "cost_total": _total(g.cost_total for g in groups),
        "spend_total": _total(g.spend_total for g in groups),
        "rag_meanings": [
            (s, plan.partnership.rag_meaning(s)) for s in (RagStatus.GREEN, RagStatus.AMBER, RagStatus.RED)
        ],
    }


@dataclass
class AreaPartnership:
    partnership: Partnership
    period: ReportingPeriod | None
    plans: list[tuple[Plan, StatusSummary, str, list[ObjectiveLine]]]


def area_partnerships_for(partnership: Partnership, visible: QuerySet[Partnership]) -> list[Partnership]:
    """The partnerships of the same police force / PCC area among those given (only itself when no area)."""
    if partnership.area_id is None:
        return [partnership]
    return list(visible.filter(area_id=partnership.area_id).order_by("name"))


def area_coverage(job: ReportJob) -> str:
    """What an area summary says about its coverage: who was left out of the chosen set, or that all are in."""
    left_out = [p.name for p in job.left_out_partnerships.order_by("name")]
    if left_out:
        return f"Not included: {', '.join(left_out)}."
    if job.area_id is not None and job.area.partnerships.count() == job.covered_partnerships.count():
        return "All partnerships of the area are included."
    return f"Only the partnerships of {job.area or job.partnership} that the person who asked may see are included."


def _equivalent_period(partnership: Partnership, period: ReportingPeriod) -> ReportingPeriod | None:
    if partnership.pk == period.partnership_id:
        return period
    return ReportingPeriod.objects.filter(
        partnership=partnership, kind=period.kind, financial_year=period.financial_year, number=period.number
    ).first()


def area_exceptions(plan: Plan, period: ReportingPeriod) -> list[ObjectiveLine]:
    """A plan's live red and amber objectives in a quarter, with their reasons and outcome notes."""
    objectives = plan_objectives_for_report(plan, [period]).exclude(state=Objective.State.STRUCK)
    lines = [objective_line(objective, period, []) for objective in objectives]
    return sorted((line for line in lines if line.needs_reason), key=_status_sort_key)


def area_report_content(job: ReportJob) -> dict:
    """Each covered partnership's live plans with their status counts per priority, side by side."""
    period = job.period
    entries = []
    for partnership in job.covered_partnerships.order_by("name"):
        own_period = _equivalent_period(partnership, period)
        plans = []
        if own_period is not None:
            live_plans = Plan.objects.filter(
                partnership=partnership,
                status=Plan.Status.LIVE,
                period_start__lte=own_period.end,
                period_end__gte=own_period.start,
            ).order_by("-period_start", "title")
            for plan in live_plans:
                summary = status_summary(plan, own_period)
                chart = _counts_chart(summary.rows, f"{partnership}: objectives by status, {own_period.label}")
                plans.append((plan, summary, chart, area_exceptions(plan, own_period)))
        entries.append(AreaPartnership(partnership=partnership, period=own_period, plans=plans))
    return {
        "job": job,
        "kind": job.kind,
        "title": job.get_kind_display(),
        "partnership": job.partnership,
        "area": str(job.area or job.partnership),
        "coverage": area_coverage(job),
        "period": period,
        "generated_at": timezone.localtime(),
        "entries": entries,
        "contents": [(f"partnership-{e.partnership.pk}", e.partnership.name) for e in entries],
    }


def meeting_pack_content(job: ReportJob) -> dict:
    """A meeting's pack as a document: the same selector as the pack page, with nothing to decide."""
    meeting = Meeting.objects.select_related("group__partnership", "group__chair").get(pk=job.meeting_id)
    return {
        "job": job,
        "kind": job.kind,
        "title": job.get_kind_display(),
        "partnership": meeting.group.partnership,
        "meeting": meeting,
        "period": job.period,
        "generated_at": timezone.localtime(),
        "pack": meeting_pack_for(user=None, meeting=meeting),
        "printing": True,
    }


def report_content(job: ReportJob) -> dict:
    """The content of any report job."""
    if job.kind == ReportJob.Kind.MEETING_PACK:
        return meeting_pack_content(job)
    if job.kind == ReportJob.Kind.AREA:
        return area_report_content(job)
    return plan_report_content(job)


def as_date(value: dt.date | None) -> str:
    return date_format(value, "j F Y") if value else ""
