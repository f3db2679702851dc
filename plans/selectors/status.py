"""One rule for 'the status of an objective in a quarter', shared by the pages, reports and exports.

An update's status counts once it has been submitted (or approved); a draft, a returned update
or no update at all is 'not updated'. The review dashboard, the board reports and the exports all
use this, so their numbers agree.
"""

from __future__ import annotations

from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from csp.models import RagStatus, ReportingPeriod

from ..models import QuarterlyUpdate

REPORTED_UPDATE_STATES = (QuarterlyUpdate.State.SUBMITTED, QuarterlyUpdate.State.APPROVED)
# Worst first: the order of every status table and chart.
STATUS_ORDER = (RagStatus.RED, RagStatus.AMBER, RagStatus.NOT_UPDATED, RagStatus.GREEN)


def reported_status(update: QuarterlyUpdate | None) -> str:
    """The status an update gives: its RAG status once submitted or approved, else 'not updated'."""
    if update is None or update.state not in REPORTED_UPDATE_STATES:
        return RagStatus.NOT_UPDATED
    return update.rag_status


def reported_status_expression(period: ReportingPeriod | None, *, objective_ref: str = "pk"):
    """The same rule as a database expression, to annotate objectives with `period_status`."""
    reported = QuarterlyUpdate.objects.filter(
        objective=OuterRef(objective_ref), period=period, state__in=REPORTED_UPDATE_STATES
    )
    return Coalesce(Subquery(reported.values("rag_status")[:1]), Value(RagStatus.NOT_UPDATED), output_field=CharField())
