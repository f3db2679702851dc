"""Who leads each item, in one line, for pages that list many items (the meeting pack, the review inbox)."""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Objective, ObjectiveLead
from ..rules import LEAD_LABEL_VALUES, labels_or_text, lead_label_of_values


def lead_lines(objectives: Iterable[Objective]) -> dict[int, str]:
    """objective id -> its leads in one line, else the plan's own words (`plans.rules.labels_or_text`, the same
    line as `leads_or_text` over lead rows). One query of label parts: no lead, person, agency or group rows."""
    objectives = list(objectives)
    labels: dict[int, list[str]] = {objective.pk: [] for objective in objectives}
    if labels:
        rows = (
            ObjectiveLead.objects.filter(objective_id__in=list(labels))
            .order_by("objective_id", "position", "id")
            .values_list("objective_id", *LEAD_LABEL_VALUES)
        )
        for objective_id, *values in rows:
            labels[objective_id].append(lead_label_of_values(*values))
    return {objective.pk: labels_or_text(labels[objective.pk], objective.lead_text) for objective in objectives}
