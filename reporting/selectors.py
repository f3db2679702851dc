"""Reads behind reports: the jobs a user may see, and the status counts every summary shares."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from csp.models import Partnership, ReportingPeriod
from csp.selectors import REPORT_ROLES, User, partnership_ids_visible_to, partnerships_visible_to, roles_of
from plans.models import Objective, Plan
from plans.rules import PRIORITY_PREFETCH, priorities_addressed, priorities_of_plan
from plans.selectors.access import LIVE_OBJECTIVE
from plans.selectors.status import STATUS_ORDER, PeriodStatus, with_period_status
from priorities.models import Priority

from .models import ReportJob

# What the report list shows of each job.
JOB_LIST_RELATED = ("partnership", "plan", "period", "requested_by", "meeting__group", "area")


def report_jobs_visible_to(user: User) -> QuerySet[ReportJob]:
    """Reports of the user's partnerships; an area summary only if the user sees each partnership it covers or names."""
    # The ids as a list, not a subquery: with literal ids PostgreSQL reads the partnership's jobs by index
    # instead of joining every report in the country before filtering (issue 15: 86 ms -> <1 ms at N=300).
    visible = partnership_ids_visible_to(user)
    hidden = Partnership.objects.exclude(pk__in=visible)
    return (
        ReportJob.objects.filter(partnership__in=visible)
        .exclude(covered_partnerships__in=hidden)
        .exclude(left_out_partnerships__in=hidden)
        .select_related(*JOB_LIST_RELATED)
    )


def report_jobs_page(user: User, number, per_page: int) -> Page:
    """One page of the report list, newest first: the page's ids from a narrow query, then those jobs with what
    the list shows (one query joining nine tables costs PostgreSQL more to plan than to run)."""
    ids = report_jobs_visible_to(user).select_related(None).values_list("pk", flat=True)
    page = Paginator(ids, per_page).get_page(number)
    page_ids = list(page.object_list)
    jobs = ReportJob.objects.filter(pk__in=page_ids).select_related(*JOB_LIST_RELATED).in_bulk()
    page.object_list = [jobs[pk] for pk in page_ids]
    return page


def latest_report_ids(user: User, jobs: Iterable[ReportJob] | None = None) -> set[int]:
    """The newest done report of each kind, plan (or partnership, for an area summary) and period the user sees.

    With `jobs` (a page of the list): which of them are. Only their periods are ranked (whole partitions, so
    the same answer as ranking every report).
    """
    newest_first = Window(
        RowNumber(),
        partition_by=[F("kind"), F("partnership_id"), F("plan_id"), F("period_id")],
        order_by=[F("finished_at").desc(nulls_last=True), F("id").desc()],
    )
    done = report_jobs_visible_to(user).filter(state=ReportJob.State.DONE)
    if jobs is None:
        return set(done.annotate(rank=newest_first).filter(rank=1).values_list("pk", flat=True))
    jobs = list(jobs)
    done = done.filter(period_id__in={job.period_id for job in jobs}).annotate(rank=newest_first)
    return set(done.filter(rank=1).values_list("pk", flat=True)) & {job.pk for job in jobs}


def access_report_job(user: User, pk: int) -> ReportJob:
    """A report the user may see, or 404 (another partnership's report is not found either)."""
    return get_object_or_404(report_jobs_visible_to(user), pk=pk)


def can_request_reports(user: User, partnership: Partnership | int) -> bool:
    """Coordinators, analysts and group chairs may ask for reports; viewers and lead officers read them."""
    return bool(roles_of(user, partnership) & REPORT_ROLES)


def partnerships_for_reports(user: User) -> list[Partnership]:
    """Partnerships where the user may ask for reports."""
    visible = list(partnerships_visible_to(user))
    return [p for p in visible if can_request_reports(user, p)]


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
        """(status, count) in `STATUS_ORDER`: each cell is found by its status, never by position."""
        return [(status, self.counts[status]) for status in STATUS_ORDER]

    @property
    def cells(self) -> list[tuple[str, str, int]]:
        """(status, its words, count) in `STATUS_ORDER`, the order of `status_columns()`."""
        return [(status, PeriodStatus.label(status), self.counts[status]) for status in STATUS_ORDER]


def status_columns() -> list[tuple[str, str]]:
    """The status columns of every counts table and export, in one order: (status, its words)."""
    return [(status, PeriodStatus.label(status)) for status in STATUS_ORDER]


def live_objectives_with_status(plan: Plan, period: ReportingPeriod) -> list[Objective]:
    """A plan's live objectives (struck ones left out), each with `period_status` by the one status rule."""
    return list(
        with_period_status(plan.objectives.filter(LIVE_OBJECTIVE).exclude(state=Objective.State.STRUCK), period)
        .select_related("plan", "section")
        .prefetch_related(*PRIORITY_PREFETCH)
        .order_by("section__position", "position", "id")
    )


def status_counts_by_priority(plan: Plan, period: ReportingPeriod) -> list[PriorityStatusCounts]:
    """Counts by status per priority of a plan's live objectives in a quarter (struck ones left out).

    An objective addressing several priorities counts under each of them (`plans.rules.priorities_addressed`);
    the tables say so. The total is `plan_status_totals`, which counts each objective once.
    """
    rows: dict[int | None, PriorityStatusCounts] = {p.pk: PriorityStatusCounts(p) for p in priorities_of_plan(plan)}
    for objective in live_objectives_with_status(plan, period):
        addressed = priorities_addressed(objective)
        for key in [pk for pk in rows if pk in addressed] or [None]:
            row = rows.setdefault(key, PriorityStatusCounts(None))
            row.counts[objective.period_status] += 1
    return [row for row in rows.values() if row.total or row.priority is not None]


def plan_status_totals(plan: Plan, period: ReportingPeriod) -> dict[str, int]:
    """How many live objectives are at each status in a quarter, each objective counted once."""
    totals = dict.fromkeys(STATUS_ORDER, 0)
    for objective in live_objectives_with_status(plan, period):
        totals[objective.period_status] += 1
    return totals


def counted_more_than_once(rows: list[PriorityStatusCounts], totals: dict[str, int]) -> bool:
    """Whether some objective is counted under several priorities (the rows add up to more than the total)."""
    return sum(row.total for row in rows) > sum(totals.values())
