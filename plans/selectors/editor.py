"""Reads behind the plan editor: the plans a coordinator manages and one plan's contents, in a few queries."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from csp.models import Group, Partnership
from csp.selectors import User, coordinated_partnership_ids
from priorities.models import Priority

from ..models import Action, ExpectedOutcome, Milestone, MilestoneLead, Objective, ObjectiveLead, Plan, Section
from ..rules import LEAD_LABEL_RELATED
from .access import LIVE_PLAN


def partnerships_coordinated_by(user: User) -> QuerySet[Partnership]:
    """The partnerships whose plans the user may write."""
    return Partnership.objects.filter(pk__in=coordinated_partnership_ids(user)).order_by("name")


def plans_managed_by(user: User) -> QuerySet[Plan]:
    """Plans (drafts included, archived left out) of the partnerships the user coordinates, with their counts."""
    return (
        Plan.objects.filter(LIVE_PLAN, partnership__in=coordinated_partnership_ids(user))
        .select_related("partnership", "owning_group")
        .annotate(
            objective_count=Count("objectives", filter=Q(objectives__archived_at__isnull=True), distinct=True),
            section_count=Count("sections", distinct=True),
        )
        .order_by("partnership__name", "-period_start", "title")
    )


def priorities_of(partnership_id: int | None, *, partnership_ids: list[int] | None = None) -> QuerySet[Priority]:
    """Priorities a plan of the partnership may address (or of any of `partnership_ids`, for a new plan)."""
    ids = [partnership_id] if partnership_id is not None else (partnership_ids or [])
    return (
        Priority.objects.filter(partnership_id__in=ids, archived_at__isnull=True)
        .select_related("partnership")
        .order_by("partnership__name", "-period_start", "position", "code")
    )


def groups_for(partnership_ids: list[int]) -> QuerySet[Group]:
    """Groups that may own a plan of one of the partnerships."""
    return Group.objects.filter(partnership_id__in=partnership_ids).order_by("name")


def plan_contents(plan: Plan) -> tuple[list[Section], list[Objective]]:
    """The plan's sections and its objectives (archived left out), each with its parts counted."""
    sections = list(plan.sections.select_related("priority").order_by("position", "id"))
    objectives = list(
        plan.objectives.filter(archived_at__isnull=True)
        .select_related("section")
        .annotate(
            action_count=Count("actions", distinct=True),
            outcome_count=Count("outcomes", distinct=True),
            milestone_count=Count("milestones", distinct=True),
        )
        .order_by("position", "id")
    )
    return sections, objectives


def plan_for_check(plan: Plan) -> tuple[list[Section], list[Objective]]:
    """Everything the check-your-answers page shows, with the parts prefetched."""
    sections = list(plan.sections.select_related("priority").order_by("position", "id"))
    objectives = list(
        plan.objectives.filter(archived_at__isnull=True)
        .select_related("section")
        .prefetch_related(
            # Lists (to_attr), not managers: a manager per objective and relation clones the prefetch's queryset,
            # and a national plan has 150 objectives and 450 milestones. Ordered as the models order them, within
            # each objective (the models' "objective" ordering would join the objectives again).
            Prefetch("actions", Action.objects.order_by("objective_id", "position", "id"), to_attr="check_actions"),
            Prefetch("outcomes", ExpectedOutcome.objects.order_by("objective_id", "number"), to_attr="check_outcomes"),
            Prefetch(
                "milestones",
                Milestone.objects.order_by("objective_id", "position", "due_date", "id").prefetch_related(
                    Prefetch(
                        "leads",
                        MilestoneLead.objects.select_related(*LEAD_LABEL_RELATED).order_by(
                            "milestone_id", "position", "id"
                        ),
                        to_attr="check_leads",
                    )
                ),
                to_attr="check_milestones",
            ),
            Prefetch(
                "leads",
                ObjectiveLead.objects.select_related(*LEAD_LABEL_RELATED).order_by("objective_id", "position", "id"),
                to_attr="check_leads",
            ),
        )
        .order_by("position", "id")
    )
    return sections, objectives
