"""What a plan's public summary holds: priorities, objectives and status by quarter, nothing personal."""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from csp.models import ReportingPeriod

from ..models import Objective, Plan
from ..rules import priorities_of_plan, update_periods_of
from .access import LIVE_OBJECTIVE, LIVE_PLAN
from .status import PeriodStatus, with_period_status


@dataclass
class PublicRow:
    ref: str
    title: str
    section: str
    statuses: list[tuple[ReportingPeriod, str]]


def public_plan(*, partnership_slug: str, pk: int) -> Plan:
    """A plan whose public summary is published (else 404, as for a plan that does not exist)."""
    return get_object_or_404(
        Plan.objects.filter(LIVE_PLAN, public_since__isnull=False, partnership__slug=partnership_slug).select_related(
            "partnership"
        ),
        pk=pk,
    )


def public_summary(plan: Plan) -> dict:
    """The public page's content, in a fixed number of queries: one for all quarters' statuses."""
    quarters = list(update_periods_of(plan).filter(kind=ReportingPeriod.Kind.QUARTER).order_by("start"))
    objectives = Objective.objects.filter(LIVE_OBJECTIVE, plan=plan).select_related("section")
    for quarter in quarters:
        objectives = with_period_status(objectives, quarter, name=f"status_{quarter.pk}")
    rows = [
        PublicRow(
            ref=objective.ref,
            title=objective.title,
            section=objective.section.title if objective.section else "",
            statuses=[(quarter, getattr(objective, f"status_{quarter.pk}")) for quarter in quarters],
        )
        for objective in objectives.order_by("section__position", "position", "id")
    ]
    priorities = list(priorities_of_plan(plan).filter(archived_at__isnull=True).prefetch_related("themes"))
    return {"plan": plan, "quarters": quarters, "rows": rows, "priorities": priorities, "labels": PeriodStatus.LABELS}
