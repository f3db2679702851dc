"""Reads behind the plans API lists: scoped by plans.selectors, prefetched for a constant query count."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from csp.api.base import LISTED
from csp.models import Agency, ReportingPeriod
from csp.prefetch import Sparse, annotate_sparse, prefetch_sparse
from csp.selectors import User, partnership_ids_visible_to
from priorities.models import Indicator, Priority

from ..models import (
    Action,
    ConsultationActivity,
    ExpectedOutcome,
    Milestone,
    MilestoneLead,
    Objective,
    ObjectiveLead,
    OutcomeStatus,
    Plan,
    QuarterlyUpdate,
    Review,
    Section,
)
from ..rules import LEAD_LABEL_RELATED
from ..selectors import objectives_visible_to, plans_visible_to, updates_visible_to
from ..selectors.access import LIVE_UPDATE
from ..selectors.status import COUNTED_UPDATE_STATES, period_status_expression

OBJECTIVE_M2M = ("priorities", "indicators", "lead_agencies", "lead_groups")
# Milestone's ordering after its objective.
MILESTONE_ORDER = ("position", "due_date", "id")


def plans_for_api(user: User, *, include_archived: bool = False) -> QuerySet[Plan]:
    """Plans the user may see, with their sections, consultation and priorities."""
    return plans_visible_to(user, include_archived=include_archived).prefetch_related(
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
    """Annotate `current_status` (the one status rule) in the plan's current quarter (else today's), and its update."""
    today = today or timezone.localdate()
    todays_quarter = (
        ReportingPeriod.objects.filter(
            partnership=OuterRef("plan__partnership"),
            kind=ReportingPeriod.Kind.QUARTER,
            start__lte=today,
            end__gte=today,
        )
        .order_by("start", "kind")
        .values("pk")[:1]
    )  # the model's ordering, less its partnership (one here)
    # One update at most per objective and period: no ordering (the model's joins plan and partnership per row).
    counted = QuarterlyUpdate.objects.filter(
        objective=OuterRef("pk"), period=OuterRef("status_period"), state__in=COUNTED_UPDATE_STATES
    ).order_by()
    return objectives.annotate(status_period=Coalesce(F("plan__current_period"), Subquery(todays_quarter))).annotate(
        current_status=period_status_expression(OuterRef("status_period")),
        current_update_id=Subquery(counted.values("pk")[:1]),
        current_status_reason=Subquery(counted.values("rag_note")[:1]),
    )


def _leads(model, parent: str) -> QuerySet:
    """Leads with what their labels read, in their milestone's or objective's order (position, id)."""
    return model.objects.select_related(*LEAD_LABEL_RELATED).order_by(parent, "position", "id")


def _objective_api_sparse() -> tuple[Sparse, ...]:
    """The parts most objectives have none of: read only for the rows whose EXISTS says so (csp.prefetch),
    into the plain lists the serializers read (csp.api.base.LISTED)."""
    return (
        Sparse(Objective, "priorities", Priority.objects.all(), to_attr=LISTED + "priorities"),
        Sparse(Objective, "indicators", Indicator.objects.all(), to_attr=LISTED + "indicators"),
        Sparse(Objective, "lead_agencies", Agency.objects.all(), to_attr=LISTED + "lead_agencies"),
        Sparse(
            Objective,
            "actions",
            Action.objects.order_by("objective_id", "position", "id"),
            to_attr=LISTED + "actions",
        ),
    )


def objectives_for_api(user: User, *, include_archived: bool = False) -> QuerySet[Objective]:
    """Objectives the user may see, with every part the API shows and this quarter's status.

    A list's page then takes its sparse parts from `objectives_api_page_prefetch`."""
    objectives = objectives_visible_to(user, include_archived=include_archived)
    # The parts' own orderings start with their objective (or milestone), which orders by that one's
    # plan and partnership: joins of national tables, the same order within one objective as its id's.
    # Into plain lists (csp.api.base.LISTED), which the serializers read.
    return annotate_sparse(with_current_status(objectives), _objective_api_sparse()).prefetch_related(
        Prefetch("lead_groups", to_attr=LISTED + "lead_groups"),
        Prefetch("outcomes", ExpectedOutcome.objects.order_by("number"), to_attr=LISTED + "outcomes"),
        Prefetch(
            "milestones",
            Milestone.objects.order_by("objective_id", *MILESTONE_ORDER),
            to_attr=LISTED + "milestones",
        ),
        Prefetch(LISTED + "milestones__leads", _leads(MilestoneLead, "milestone_id"), to_attr=LISTED + "leads"),
        Prefetch("leads", _leads(ObjectiveLead, "objective_id"), to_attr=LISTED + "leads"),
    )


def objectives_api_page_prefetch(page: list[Objective]) -> None:
    """A page of `objectives_for_api`: its priorities, indicators, lead agencies and actions, read only for
    the objectives that have some (one query per part that any of them has). Without it the serializers
    read each objective's parts on their own (a write's single object)."""
    prefetch_sparse(page, _objective_api_sparse())


def updates_for_api(user: User, *, include_archived: bool = False) -> QuerySet[QuarterlyUpdate]:
    """Quarterly updates the user may see, with their outcome statuses and milestones met."""
    return (
        updates_visible_to(user, include_archived=include_archived)
        .select_related("period")
        .prefetch_related(
            # An update's milestones are its objective's (the serializer checks), in the objective's order.
            Prefetch("milestones_met", queryset=Milestone.objects.order_by("objective_id", *MILESTONE_ORDER)),
            Prefetch("outcome_statuses", queryset=OutcomeStatus.objects.select_related("outcome")),
        )
    )


def _under(relation: str, condition: Q) -> Q:
    """A flat AND of lookups (LIVE_UPDATE) said from a model that points at the one it was written for."""
    assert condition.connector == Q.AND
    assert not condition.negated
    return Q(**{f"{relation}__{lookup}": value for lookup, value in condition.children})


def reviews_for_api(user: User, *, include_archived: bool = False) -> QuerySet[Review]:
    """Review decisions on the updates the user may see (archived ones, or on archived updates, only when asked).

    The same rows as `update__in=updates_visible_to(user)`, but scoped on the joins the list's
    ordering (update -> objective -> plan -> partnership) makes anyway: as a semi-join PostgreSQL
    walked every partnership's reviews in that order and checked each against the subquery.
    """
    reviews = Review.objects.filter(update__objective__plan__partnership__in=partnership_ids_visible_to(user))
    if include_archived:
        return reviews
    return reviews.filter(_under("update", LIVE_UPDATE), archived_at__isnull=True)
