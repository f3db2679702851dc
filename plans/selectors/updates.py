"""Reads behind the lead officer's pages: my items, one update, the reminders sent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateformat import format as date_format

from csp.models import Membership, ReportingPeriod, Role
from csp.prefetch import Sparse, annotate_sparse, prefetch_sparse
from csp.selectors import User, coordinated_partnership_ids, holds_role_anywhere, people_of

from ..models import ExpectedOutcome, Milestone, Objective, ObjectiveLead, OutcomeStatus, QuarterlyUpdate, Reminder
from ..rules import LEAD_LABEL_RELATED, led_by_any_agency_q, update_periods_of
from .access import access_objective, objectives_led_by, objectives_visible_to, updates_visible_to
from .browse import current_period_for
from .status import update_counts

# Beyond this many days late, the date alone is clearer than a count of days.
LATE_DAYS_SHOWN = 28

UPDATE_STATE_LABELS = {
    None: "Not started",
    QuarterlyUpdate.State.DRAFT: "Draft",
    QuarterlyUpdate.State.SUBMITTED: "Submitted",
    QuarterlyUpdate.State.RETURNED: "Returned with a comment",
    QuarterlyUpdate.State.APPROVED: "Approved",
}


def _long_date(day: dt.date) -> str:
    return date_format(day, "j F Y")


def deadline_text(deadline: dt.date | None, *, today: dt.date) -> str:
    """The deadline in words: days left, days late, or only the date when long past."""
    if deadline is None:
        return "No deadline set"
    days = (deadline - today).days
    if days > 1:
        return f"Due {_long_date(deadline)} ({days} days left)"
    if days == 1:
        return f"Due {_long_date(deadline)} (1 day left)"
    if days == 0:
        return f"Due today, {_long_date(deadline)}"
    if -days <= LATE_DAYS_SHOWN:
        return f"Deadline passed on {_long_date(deadline)} ({-days} day{'' if days == -1 else 's'} ago)"
    return f"Deadline passed on {_long_date(deadline)}"


@dataclass
class MyItem:
    """One objective on 'My items' with the state of this quarter's update."""

    objective: Objective
    period: ReportingPeriod | None
    update: QuarterlyUpdate | None
    deadline: str
    is_overdue: bool

    @property
    def state_label(self) -> str:
        return UPDATE_STATE_LABELS[self.update.state if self.update else None]

    @property
    def state(self) -> str:
        return self.update.state if self.update else "not_started"


def _agency_ids_of(user: User) -> set[int]:
    # Unordered (the models' orderings would join partnerships to sort what goes into a set); one query for both.
    memberships = Membership.objects.filter(user=user, agency__isnull=False).order_by().values_list("agency_id")
    people = people_of(user).filter(agency__isnull=False).order_by().values_list("agency_id")
    return {agency_id for (agency_id,) in memberships.union(people)}


# What a My items row reads of an objective, its plan, partnership and section (the update page has the rest).
# Objectives and plans are wide (texts of many fields): reading only these costs half the time to fetch the rows.
# A field read but not listed here would cost a query per row: the flat-query tests of My items catch it.
MY_ITEMS_FIELDS = (
    "id",
    "ref",
    "title",
    "state",
    "position",
    "plan_id",
    "section_id",
    "plan__title",
    "plan__period_start",
    "plan__partnership_id",
    "plan__current_period_id",
    "plan__partnership__name",
    "section__number",
    "section__title",
    "section__position",
)


def _objectives_for_list(queryset: QuerySet[Objective]) -> QuerySet[Objective]:
    return (
        queryset.exclude(state=Objective.State.STRUCK)
        .select_related("plan__partnership", "plan__current_period", "section")
        .only(*MY_ITEMS_FIELDS)
        .prefetch_related(
            Prefetch(
                "leads",
                # objective_id, not the model's "objective": that ordering joins plans and partnerships. A list
                # (to_attr), not the manager: Django builds a filtered queryset per row to hold a manager's rows.
                queryset=ObjectiveLead.objects.select_related(*LEAD_LABEL_RELATED).order_by(
                    "objective_id", "position", "id"
                ),
                to_attr="row_leads",
            )
        )
        .order_by("plan__partnership__name", "-plan__period_start", "plan_id", "section__position", "position", "id")
    )


def _as_items(objectives: list[Objective], *, today: dt.date) -> list[MyItem]:
    periods = {}
    for plan in {o.plan_id: o.plan for o in objectives}.values():
        periods[plan.pk] = current_period_for(plan, today=today)
    by_key = {}
    if objectives:
        ids = [o.pk for o in objectives]
        period_ids = {p.pk for p in periods.values() if p is not None}
        # No model ordering (it joins objectives, plans and partnerships to sort what goes into a dict).
        updates = (
            QuarterlyUpdate.objects.filter(objective_id__in=ids, period_id__in=period_ids)
            .order_by()
            .only("id", "objective_id", "period_id", "state", "archived_at", "is_late")  # what a row shows
        )
        for update in updates:
            by_key[(update.objective_id, update.period_id)] = update
    items = []
    for objective in objectives:
        period = periods[objective.plan_id]
        update = by_key.get((objective.pk, period.pk)) if period else None
        deadline = period.update_deadline if period else None
        overdue = bool(deadline and today > deadline and not update_counts(update))
        items.append(
            MyItem(
                objective=objective,
                period=period,
                update=update,
                deadline=deadline_text(deadline, today=today),
                is_overdue=overdue,
            )
        )
    return items


def my_items(
    *, user: User, today: dt.date | None = None, led_ids: list[int] | None = None
) -> tuple[list[MyItem], list[MyItem]]:
    """The objectives I lead, and my agency's other objectives, each with this quarter's update.

    `led_ids` are `led_objective_ids(user)` when the caller has them already (the page also lists the
    returned updates of the same objectives).
    """
    today = today or timezone.localdate()
    led_ids = led_objective_ids(user) if led_ids is None else led_ids
    agency_ids = _agency_ids_of(user)
    if not led_ids and not agency_ids:
        return [], []
    agency_only: list[int] = []
    if agency_ids:
        agency_qs = objectives_visible_to(user).filter(led_by_any_agency_q(agency_ids)).exclude(pk__in=led_ids)
        agency_only = list(agency_qs.order_by().values_list("pk", flat=True))
    # Both lists in one read (and one prefetch of their leads) by literal ids, split by the led ids: each keeps the
    # list's order. (Not "led ids OR the agency subquery": PostgreSQL cannot use the primary key for that OR and
    # scanned the national objectives table, 42 ms at N = 300.)
    objectives = list(_objectives_for_list(Objective.objects.filter(pk__in=[*led_ids, *agency_only])))
    led = set(led_ids)
    mine = [objective for objective in objectives if objective.pk in led]
    agency = [objective for objective in objectives if objective.pk not in led]
    items = _as_items(mine + agency, today=today)  # one lookup of this quarter's updates for both lists
    return items[: len(mine)], items[len(mine) :]


def led_objective_ids(user: User) -> list[int]:
    """The pks of the objectives I lead (visible and live), as literal ids for the lookups that follow.

    One small query; the lists built on it then start from a handful of ids instead of re-planning the
    visibility and lead subqueries inside each of them.
    """
    return list(objectives_led_by(user).order_by().values_list("pk", flat=True))


def returned_updates_for(user: User, *, led_ids: list[int] | None = None) -> QuerySet[QuarterlyUpdate]:
    """Updates of objectives I lead that a reviewer returned, newest decision first, whatever their quarter.

    "My items" lists them before everything else: a returned update of an earlier quarter is not in
    the current quarter's rows, and must not be missed. `led_ids` as for `my_items`.
    """
    led_ids = led_objective_ids(user) if led_ids is None else led_ids
    return (
        updates_visible_to(user)
        .filter(state=QuarterlyUpdate.State.RETURNED, objective_id__in=led_ids)
        .select_related("objective", "period", "reviewed_by")  # what the list names (no plan or partnership)
        .order_by("-reviewed_at", "-pk")
    )


@dataclass
class UpdatePage:
    """Everything the update page shows for one objective and quarter."""

    objective: Objective
    period: ReportingPeriod
    update: QuarterlyUpdate | None
    previous: QuarterlyUpdate | None
    quarters: list[ReportingPeriod]
    outcomes: list[ExpectedOutcome]
    milestones: list[Milestone]


# Most updates record no milestone met: read them only for those that do (csp.prefetch).
_MILESTONES_MET = (Sparse(QuarterlyUpdate, "milestones_met", Milestone.objects.all()),)


def _updates_with_parts(queryset: QuerySet[QuarterlyUpdate]) -> list[QuarterlyUpdate]:
    updates = list(
        annotate_sparse(
            queryset.select_related("period", "submitted_by", "reviewed_by"), _MILESTONES_MET
        ).prefetch_related(Prefetch("outcome_statuses", queryset=OutcomeStatus.objects.select_related("outcome")))
    )
    prefetch_sparse(updates, _MILESTONES_MET)
    return updates


def update_page_for_user(*, user: User, objective_pk: int, period_pk: int) -> UpdatePage:
    """An objective the user may see and one of its plan's quarters, or 404."""
    return update_page_of(access_objective(user, objective_pk), period_pk=period_pk)


def update_page_of(objective: Objective, *, period_pk: int) -> UpdatePage:
    """The page of an objective that `access_objective` gave (the access rule has run), for one of its
    plan's quarters, or 404."""
    quarters = list(update_periods_of(objective.plan))
    period = next((q for q in quarters if q.pk == period_pk), None)
    if period is None:
        raise Http404("No such quarter in this plan.")
    earlier = [q for q in quarters if q.start < period.start]
    shown = [period, *earlier[-1:]]  # this quarter's update and the one before it, not every quarter's
    updates = {u.period_id: u for u in _updates_with_parts(objective.updates.filter(period__in=shown).order_by())}
    previous = updates.get(earlier[-1].pk) if earlier else None
    return UpdatePage(
        objective=objective,
        period=period,
        update=updates.get(period.pk),
        previous=previous,
        quarters=quarters,
        outcomes=list(objective.outcomes.order_by("number")),
        milestones=list(objective.milestones.all()),
    )


def reminders_visible_to(user: User) -> QuerySet[Reminder]:
    """Reminders sent in partnerships where the user is a coordinator (all of them for a superuser)."""
    if not user.is_authenticated:
        return Reminder.objects.none()
    reminders = Reminder.objects.select_related("person__partnership", "period").prefetch_related("objectives")
    if user.is_superuser:
        return reminders
    return reminders.filter(person__partnership__in=coordinated_partnership_ids(user))


def is_coordinator_anywhere(user: User) -> bool:
    """Whether the user coordinates at least one partnership."""
    return holds_role_anywhere(user, Role.COORDINATOR)
