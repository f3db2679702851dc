"""Reads behind the plans API lists: scoped by plans.selectors, prefetched for a constant query count."""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, F, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from csp.models import RagStatus, ReportingPeriod
from csp.selectors import User

from ..models import (
    ConsultationActivity,
    ExpectedOutcome,
    Milestone,
    Objective,
    ObjectiveLead,
    OutcomeStatus,
    Plan,
    QuarterlyUpdate,
    Review,
    Section,
)
from ..selectors import objectives_visible_to, plans_visible_to, updates_visible_to
from ..selectors.status import REPORTED_UPDATE_STATES


def plans_for_api(user: User) -> QuerySet[Plan]:
    """Plans the user may see, with their sections, consultation and priorities."""
    return plans_visible_to(user).prefetch_related(
        "priorities",
        Prefetch("sections", queryset=Section.objects.order_by("position", "id")),
        Prefetch("consultations", queryset=ConsultationActivity.objects.order_by("position", "id")),
    )


def sections_for_api(user: User) -> QuerySet[Section]:
    """Sections of the plans the user may see."""
    return Section.objects.filter(plan__in=plans_visible_to(user))


def consultations_for_api(user: User) -> QuerySet[ConsultationActivity]:
    """Consultation activities of the plans the user may see."""
    return ConsultationActivity.objects.filter(plan__in=plans_visible_to(user))


def with_current_status(objectives: QuerySet[Objective], *, today: dt.date | None = None) -> QuerySet[Objective]:
    """Annotate `current_status`: the reported status in the plan's current quarter (else today's quarter)."""
    today = today or timezone.localdate()
    todays_quarter = ReportingPeriod.objects.filter(
        partnership=OuterRef("plan__partnership"),
        kind=ReportingPeriod.Kind.QUARTER,
        start__lte=today,
        end__gte=today,
    ).values("pk")[:1]
    # The shared rule (plans.selectors.status): only a submitted or approved update gives a status.
    status = QuarterlyUpdate.objects.filter(
        objective=OuterRef("pk"), period=OuterRef("status_period"), state__in=REPORTED_UPDATE_STATES
    ).values("rag_status")[:1]
    return objectives.annotate(status_period=Coalesce(F("plan__current_period"), Subquery(todays_quarter))).annotate(
        current_status=Coalesce(Subquery(status), Value(RagStatus.NOT_UPDATED), output_field=CharField())
    )


def objectives_for_api(user: User) -> QuerySet[Objective]:
    """Objectives the user may see, with every part the API shows and this quarter's status."""
    return with_current_status(objectives_visible_to(user)).prefetch_related(
        "priorities",
        "indicators",
        "lead_agencies",
        "lead_groups",
        "actions",
        Prefetch("outcomes", queryset=ExpectedOutcome.objects.order_by("number")),
        "milestones",
        Prefetch("leads", queryset=ObjectiveLead.objects.select_related("person")),
    )


def updates_for_api(user: User) -> QuerySet[QuarterlyUpdate]:
    """Quarterly updates the user may see, with their outcome statuses and milestones met."""
    return (
        updates_visible_to(user)
        .select_related("period")
        .prefetch_related(
            "milestones_met",
            Prefetch("outcome_statuses", queryset=OutcomeStatus.objects.select_related("outcome")),
        )
    )


def reviews_for_api(user: User) -> QuerySet[Review]:
    """Review decisions on the updates the user may see."""
    return Review.objects.filter(update__in=updates_visible_to(user))


def milestones_overdue_filter(today: dt.date) -> QuerySet[Milestone]:
    """Milestones past their date and not completed."""
    return Milestone.objects.filter(due_date__lt=today, completed_on__isnull=True)
