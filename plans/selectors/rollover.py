"""Reads of the yearly cycle: an objective across years (its `carried_forward_from` chain both ways)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from csp.selectors import User

from ..models import Objective, QuarterlyUpdate
from .access import objectives_visible_to
from .status import COUNTED_UPDATE_STATES, PeriodStatus, period_status

# A chain longer than this is a data error (a loop typed in the admin), not a partnership's history.
MAX_YEARS = 50


@dataclass(frozen=True)
class YearOfObjective:
    """One year of an objective: its plan, its state, and the status its latest counted update gives."""

    objective: Objective
    is_this_one: bool
    status: str
    status_label: str
    status_period: str


def _year(objective: Objective, *, current: Objective) -> YearOfObjective:
    latest = next(iter(objective.counted_updates), None)
    status = period_status(latest)
    return YearOfObjective(
        objective=objective,
        is_this_one=objective.pk == current.pk,
        status=status,
        status_label=PeriodStatus.label(status),
        status_period=str(latest.period) if latest else "",
    )


def objective_years(*, user: User, objective: Objective) -> list[YearOfObjective]:
    """The objective in every year the user may see, oldest first; [] when it was never carried either way."""
    if objective.carried_forward_from_id is None and not (
        objectives_visible_to(user).filter(carried_forward_from_id=objective.pk).exists()
    ):
        return []  # most objectives: one cheap query instead of fetching the year with its updates
    counted = Prefetch(
        "updates",
        queryset=QuarterlyUpdate.objects.filter(state__in=COUNTED_UPDATE_STATES, archived_at__isnull=True)
        .select_related("period")
        .order_by("-period__end", "-period__start"),
        to_attr="counted_updates",
    )
    visible = objectives_visible_to(user).select_related("plan").prefetch_related(counted)
    this_year = visible.filter(pk=objective.pk).first()
    if this_year is None:
        return []
    chain = [this_year]
    seen = {objective.pk}
    while chain[0].carried_forward_from_id and len(chain) < MAX_YEARS:
        earlier = visible.filter(pk=chain[0].carried_forward_from_id).first()
        if earlier is None or earlier.pk in seen:
            break
        seen.add(earlier.pk)
        chain.insert(0, earlier)
    while len(chain) < MAX_YEARS:
        later = visible.filter(carried_forward_from_id=chain[-1].pk).order_by("pk").first()
        if later is None or later.pk in seen:
            break
        seen.add(later.pk)
        chain.append(later)
    if len(chain) == 1:
        return []
    return [_year(item, current=objective) for item in chain]
