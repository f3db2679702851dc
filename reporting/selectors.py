"""Reads behind reports: the jobs a user may see, and the status counts every summary shares."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from csp.models import Partnership, ReportingPeriod
from csp.selectors import REPORT_ROLES, User, partnership_ids_visible_to, partnerships_visible_to, roles_of
from plans.models import Objective, Plan, QuarterlyUpdate
from plans.selectors.status import STATUS_ORDER, reported_status
from priorities.models import Priority

from .models import ReportJob


def report_jobs_visible_to(user: User) -> QuerySet[ReportJob]:
    """Reports of the user's partnerships; an area summary only if the user sees every partnership in it."""
    visible = partnership_ids_visible_to(user)
    hidden = Partnership.objects.exclude(pk__in=visible)
    return (
        ReportJob.objects.filter(partnership__in=visible)
        .exclude(covered_partnerships__in=hidden)
        .select_related("partnership", "plan", "period", "requested_by")
    )


def report_job_get_for_user(*, user: User, pk: int) -> ReportJob:
    """A report the user may see, or 404."""
    return get_object_or_404(report_jobs_visible_to(user), pk=pk)


def can_request_reports(user: User, partnership: Partnership | int) -> bool:
    """Coordinators, analysts and group chairs may ask for reports; viewers and lead officers read them."""
    return bool(roles_of(user, partnership) & REPORT_ROLES)


def partnerships_for_reports(user: User) -> list[Partnership]:
    """Partnerships where the user may ask for reports."""
    return [p for p in partnerships_visible_to(user) if can_request_reports(user, p)]


@dataclass
class PriorityStatusCounts:
    """How many of a plan's live objectives under one priority are at each status in a quarter."""

    priority: Priority | None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_ORDER, 0))

    @property
    def label(self) -> str:
        return str(self.priority) if self.priority else "No priority given"

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def ordered(self) -> list[tuple[str, int]]:
        return [(status, self.counts[status]) for status in STATUS_ORDER]


def objective_priorities(objective: Objective, plan_priorities: list[Priority]) -> list[Priority]:
    """The priorities an objective addresses: its own, all of the plan's, or its section's."""
    own = list(objective.priorities.all())
    if own:
        return own
    if objective.addresses_all_priorities or objective.plan.objectives_address_all_priorities:
        return plan_priorities
    if objective.section_id and objective.section.priority_id:
        return [objective.section.priority]
    return []


def plan_priorities_of(plan: Plan) -> list[Priority]:
    """The plan's priorities in order; when the plan names none, those of its sections."""
    priorities = list(plan.priorities.order_by("position", "code"))
    if not priorities:
        priorities = list(Priority.objects.filter(sections__plan=plan).distinct().order_by("position", "code", "id"))
    return priorities


def status_counts_by_priority(plan: Plan, period: ReportingPeriod) -> list[PriorityStatusCounts]:
    """Counts by status per priority of a plan's live objectives in a quarter (struck ones left out).

    An objective addressing several priorities counts under each of them. The board report, the
    area summary and the chairs' dashboard all take their figures from here so they agree.
    """
    plan_priorities = plan_priorities_of(plan)
    objectives = (
        plan.objectives.exclude(state=Objective.State.STRUCK)
        .select_related("plan", "section__priority")
        .prefetch_related(
            "priorities",
            Prefetch("updates", queryset=QuarterlyUpdate.objects.filter(period=period), to_attr="period_updates"),
        )
    )
    rows: dict[int | None, PriorityStatusCounts] = {p.pk: PriorityStatusCounts(p) for p in plan_priorities}
    for objective in objectives:
        status = reported_status(objective.period_updates[0] if objective.period_updates else None)
        for priority in objective_priorities(objective, plan_priorities) or [None]:
            key = priority.pk if priority else None
            row = rows.setdefault(key, PriorityStatusCounts(priority))
            row.counts[status] += 1
    return [row for row in rows.values() if row.total or row.priority is not None]


def plan_status_totals(rows: list[PriorityStatusCounts]) -> dict[str, int]:
    """Sum of per-priority counts (an objective under two priorities is counted twice)."""
    totals = dict.fromkeys(STATUS_ORDER, 0)
    for row in rows:
        for status, count in row.counts.items():
            totals[status] += count
    return totals
