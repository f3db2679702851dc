"""One rule for 'the status of an objective in a period', shared by every page, report, export and API filter.

Only a submitted or approved update that is not archived counts. No counted update is 'No update'; a counted update
whose `rag_status` is not given is 'Update gives no status'. A draft or a returned update never
gives the status anywhere (pages may say 'draft in progress' beside it, never as the status).
The Python function and the database expression are built from the same table, `_FROM_RAG`, and
`tests/plans/test_status_rule.py` checks they agree for every update state.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.db.models import Case, CharField, Expression, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from csp.models import RagStatus, ReportingPeriod

from ..models import OutcomeStatus, QuarterlyUpdate

COUNTED_UPDATE_STATES = (QuarterlyUpdate.State.SUBMITTED, QuarterlyUpdate.State.APPROVED)
# The name used since issue 4; other branches may still import it.
REPORTED_UPDATE_STATES = COUNTED_UPDATE_STATES


class PeriodStatus:
    """An objective's status in a period: a RAG colour, or one of the two 'no status' cases."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    NO_STATUS = "no_status"
    NO_UPDATE = "no_update"

    LABELS = {
        RED: "Red",
        AMBER: "Amber",
        GREEN: "Green",
        NO_STATUS: "Update gives no status",
        NO_UPDATE: "No update",
    }
    choices = list(LABELS.items())

    @classmethod
    def label(cls, status: str) -> str:
        """The words for a status, the same on every surface."""
        return cls.LABELS[status]


# The API schema's one enum of period statuses (SPECTACULAR_SETTINGS['ENUM_NAME_OVERRIDES']).
PERIOD_STATUS_CHOICES = PeriodStatus.choices

# A counted update's rag_status -> the period status it gives.
_FROM_RAG = {
    RagStatus.RED: PeriodStatus.RED,
    RagStatus.AMBER: PeriodStatus.AMBER,
    RagStatus.GREEN: PeriodStatus.GREEN,
    RagStatus.NOT_UPDATED: PeriodStatus.NO_STATUS,
}
# Worst first: the order of every status table and chart (bound by name, never by position).
STATUS_ORDER = (
    PeriodStatus.RED,
    PeriodStatus.AMBER,
    PeriodStatus.NO_UPDATE,
    PeriodStatus.NO_STATUS,
    PeriodStatus.GREEN,
)
# What a chair goes through first; red and amber also need a reason.
EXCEPTION_STATUSES = (PeriodStatus.RED, PeriodStatus.AMBER, PeriodStatus.NO_UPDATE, PeriodStatus.NO_STATUS)
STATUSES_WITH_REASON = (PeriodStatus.RED, PeriodStatus.AMBER)


def update_counts(update: QuarterlyUpdate | None) -> bool:
    """Whether an update gives the objective's status: submitted or approved, and not archived."""
    return update is not None and update.state in COUNTED_UPDATE_STATES and update.archived_at is None


class StatusRow(NamedTuple):
    """What the status rule reads of an update (`period_status`) or of an outcome's status (`outcome_period_status`),
    for pages that read many as rows, not as model instances: the meeting pack (150 items, each with four quarters
    and four outcomes) and the area dashboard (every item of ten or more plans)."""

    rag_status: str
    state: str = ""
    archived_at: dt.datetime | None = None
    note: str = ""


def period_status(update: QuarterlyUpdate | None) -> str:
    """The status an objective's update for a period gives (a `PeriodStatus` value)."""
    if not update_counts(update):
        return PeriodStatus.NO_UPDATE
    return _FROM_RAG.get(update.rag_status, PeriodStatus.NO_STATUS)


def outcome_period_status(update: QuarterlyUpdate | None, outcome_status: OutcomeStatus | None) -> str:
    """The status one expected outcome has in a period, by the same rule as its objective."""
    if not update_counts(update):
        return PeriodStatus.NO_UPDATE
    if outcome_status is None:
        return PeriodStatus.NO_STATUS
    return _FROM_RAG.get(outcome_status.rag_status, PeriodStatus.NO_STATUS)


def _counted_update(period: ReportingPeriod | OuterRef | None, objective_ref: str) -> QuerySet:
    """The objective's counted update for the period (0 or 1 row: one update per objective and period), unordered:
    the update's default ordering would join the objective, plan and partnership in every correlated subquery."""
    return QuarterlyUpdate.objects.filter(
        objective=OuterRef(objective_ref),
        period=period,
        state__in=COUNTED_UPDATE_STATES,
        archived_at__isnull=True,
    ).order_by()


def _by_the_rule(period, objective_ref: str, value_of: dict[str, object], output_field) -> Coalesce:
    """The rule as one correlated subquery on the (objective, period) unique index, each status given as
    `value_of[status]`: the counted update's `rag_status` through `_FROM_RAG` (anything else: 'Update gives no
    status'), and 'No update' when there is no counted update."""
    given = Case(
        *[When(rag_status=rag, then=Value(value_of[status])) for rag, status in _FROM_RAG.items()],
        default=Value(value_of[PeriodStatus.NO_STATUS]),
        output_field=output_field,
    )
    counted = _counted_update(period, objective_ref).annotate(given=given).values("given")[:1]
    return Coalesce(
        Subquery(counted, output_field=output_field),
        Value(value_of[PeriodStatus.NO_UPDATE]),
        output_field=output_field,
    )


def period_status_expression(period: ReportingPeriod | OuterRef | None, *, objective_ref: str = "pk") -> Expression:
    """The same rule as a database expression over objectives (`period` may be an OuterRef)."""
    return _by_the_rule(period, objective_ref, {status: status for status in STATUS_ORDER}, CharField())


def period_status_rank_expression(
    period: ReportingPeriod | OuterRef | None, *, objective_ref: str = "pk"
) -> Expression:
    """The position of the objective's status in `STATUS_ORDER` (0: red, worst first), by the same rule, for
    ordering: one subquery, where a CASE over `period_status_expression` would repeat it for each status."""
    return _by_the_rule(period, objective_ref, {s: rank for rank, s in enumerate(STATUS_ORDER)}, IntegerField())


def with_period_status(objectives: QuerySet, period: ReportingPeriod | None, *, name: str = "period_status"):
    """Objectives annotated with their status in `period` under `name`."""
    return objectives.annotate(**{name: period_status_expression(period)})
