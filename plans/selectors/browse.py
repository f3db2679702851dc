"""Reads behind the plan pages: a constant number of queries whatever the plan's size."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from csp.models import Partnership, ReportingPeriod
from csp.selectors import User, partnerships_visible_to

from ..models import Objective, ObjectiveLead, OutcomeStatus, Plan, QuarterlyUpdate
from ..rules import LEAD_LABEL_RELATED
from .access import LIVE_OBJECTIVE, plans_visible_to
from .status import with_period_status


def current_period_for(plan: Plan, *, today: dt.date | None = None) -> ReportingPeriod | None:
    """The quarter being updated: the plan's chosen one, else the quarter containing today."""
    if plan.current_period_id:
        return plan.current_period
    today = today or timezone.localdate()
    return ReportingPeriod.objects.filter(
        partnership_id=plan.partnership_id, kind=ReportingPeriod.Kind.QUARTER, start__lte=today, end__gte=today
    ).first()


def partnerships_with_plans_for(user: User) -> QuerySet[Partnership]:
    """The user's partnerships with their plans, for the home page."""
    return partnerships_visible_to(user).prefetch_related(
        Prefetch("plans", queryset=plans_visible_to(user).select_related("current_period").order_by("-period_start"))
    )


# What a plan page row reads of an objective (its section and the section's priority are read whole). Objectives
# are wide; a field read but not listed here would cost a query per row (the plan page's flat-query tests).
PLAN_PAGE_FIELDS = (
    "id",
    "plan_id",
    "section_id",
    "ref",
    "title",
    "theme",
    "state",
    "lead_text",
    "due_text",
    "position",
)


def objectives_for_plan_page(plan: Plan, period: ReportingPeriod | None) -> QuerySet[Objective]:
    """Every objective of a plan with what the plan page shows and its status in the period, prefetched.

    Only what the page shows is fetched (leads, and the period's update with its outcome statuses for the
    reason beside a red or amber); the prefetches run for the rows of the page being shown only.
    """
    # Explicit orderings: the models' default ones join plan and partnership to sort rows that a prefetch then
    # groups by objective anyway (one update per objective and quarter; leads in their order).
    updates = QuarterlyUpdate.objects.filter(period=period).order_by("id") if period else QuarterlyUpdate.objects.none()
    # A row shows the update's state and, beside red or amber, its reason: not its texts of progress.
    updates = updates.only("id", "objective_id", "period_id", "state", "rag_status", "rag_note", "archived_at")
    updates = updates.prefetch_related(
        Prefetch("outcome_statuses", queryset=OutcomeStatus.objects.select_related("outcome"))
    )
    return (
        with_period_status(plan.objectives.filter(LIVE_OBJECTIVE), period)
        .select_related("section__priority")
        .only(*PLAN_PAGE_FIELDS)
        .prefetch_related(
            # A list (to_attr), not the manager: Django builds a filtered queryset per row to hold a manager's rows.
            Prefetch(
                "leads",
                queryset=ObjectiveLead.objects.select_related(*LEAD_LABEL_RELATED).order_by("position", "id"),
                to_attr="row_leads",
            ),
            Prefetch("updates", queryset=updates, to_attr="period_updates"),
        )
        .order_by("section__position", "position", "id")
    )


def plan_for_page(*, user: User, pk: int) -> Plan:
    """A plan the user may see, with what its page header shows."""
    return get_object_or_404(
        plans_visible_to(user).select_related("partnership", "current_period", "owning_group", "predecessor"),
        pk=pk,
    )
