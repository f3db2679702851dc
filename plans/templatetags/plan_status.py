"""Template words for statuses, taken from the one status rule so every page says the same."""

from __future__ import annotations

from django import template

from csp.models import RagStatus

from ..selectors.status import PeriodStatus

register = template.Library()

# A status written on an update or outcome (not yet an objective's period status) that gives none.
NOT_GIVEN = "No status given"


@register.filter
def status_label(status: str | None) -> str:
    """Words for a period status ('No update', 'Update gives no status') or for a RAG value as written."""
    if status in PeriodStatus.LABELS:
        return PeriodStatus.label(status)
    if status == RagStatus.NOT_UPDATED or not status:
        return NOT_GIVEN
    return RagStatus(status).label
