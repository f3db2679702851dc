"""What an export reads: a plan's live objectives in plan order, with their parts, in a constant number of queries."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from ..models import Milestone, MilestoneLead, Objective, ObjectiveLead, Plan
from ..rules import LEAD_LABEL_RELATED

# An objective's own archiving takes it out of the export; the plan's does not (an archived plan can
# still be exported by those who may open it, so LIVE_OBJECTIVE, which also asks the plan, is not used).
EXPORTED_OBJECTIVE = Q(archived_at__isnull=True)


def objectives_for_export(plan: Plan) -> QuerySet[Objective]:
    """The plan's objectives that are not archived (struck ones included), section order then objective order."""
    return (
        plan.objectives.filter(EXPORTED_OBJECTIVE)
        .select_related("section__priority")
        .prefetch_related(
            "priorities",
            "lead_agencies",
            "lead_groups",
            Prefetch("leads", queryset=ObjectiveLead.objects.select_related(*LEAD_LABEL_RELATED)),
            "actions",
            "outcomes",
            Prefetch(
                "milestones",
                queryset=Milestone.objects.prefetch_related(
                    Prefetch("leads", queryset=MilestoneLead.objects.select_related(*LEAD_LABEL_RELATED))
                ),
            ),
        )
        .order_by("section__position", "section__id", "position", "id")
    )
