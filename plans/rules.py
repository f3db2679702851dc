"""One rule per concept: which priorities an objective addresses, who leads it, what is overdue, which periods
an update may be for. (An objective's status in a period is in `plans.selectors.status`.)

Each association is declared once as a list of routes (field paths with optional conditions); the
query filter and the Python predicate are both built from that list, as data-hub's
`_ASSOCIATED_ADVISER_TO_ONE_FIELDS` does. `tests/plans/test_rules.py` checks they agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from csp.models import ReportingPeriod, short_or_full_name
from priorities.models import Priority

from .models import LeadKind, Milestone, Objective, Plan


@dataclass(frozen=True)
class Route:
    """One way an objective reaches a related row: `path` from the objective, taken only when `when` holds.

    `when` maps a field path to a required value; `None` as the value means 'that path reaches nothing'.
    """

    name: str
    path: str
    when: dict[str, object] = field(default_factory=dict)


def _reached(obj: Model | None, path: str) -> set:
    """The primary keys (or plain values) a field path reaches from an object, through prefetched relations."""
    if obj is None:
        return set()
    head, _, rest = path.partition("__")
    model_field = obj._meta.get_field(head)
    if not rest and model_field.many_to_one:
        # The last step of a path needs only the key the row already holds: no query.
        value = getattr(obj, model_field.attname)
        return {value} if value is not None else set()
    try:
        value = getattr(obj, head)
    except ObjectDoesNotExist:
        return set()
    items = list(value.all()) if hasattr(value, "all") else [value]
    if not rest:
        return {item.pk if isinstance(item, Model) else item for item in items if item is not None}
    reached: set = set()
    for item in items:
        reached |= _reached(item, rest)
    return reached


def _when_q(route: Route) -> Q:
    condition = Q()
    for path, value in route.when.items():
        condition &= Q(**{f"{path}__isnull": True}) if value is None else Q(**{path: value})
    return condition


def _when_holds(objective: Objective, route: Route) -> bool:
    for path, value in route.when.items():
        reached = _reached(objective, path)
        if value is None and reached:
            return False
        if value is not None and value not in reached:
            return False
    return True


def _routes_q(routes: Iterable[Route], target, *, lookup: str = "") -> Q:
    """Objectives reaching `target` (a row or its pk) by any route; one subquery per route so M2M joins never mix."""
    condition = Q(pk__in=[])
    for route in routes:
        matching = Objective.objects.filter(_when_q(route), **{route.path + lookup: target})
        condition |= Q(pk__in=matching.values("pk"))
    return condition


def _routes_reach(objective: Objective, routes: Iterable[Route]) -> set:
    reached: set = set()
    for route in routes:
        if _when_holds(objective, route):
            reached |= _reached(objective, route.path)
    return reached


# Priorities ---------------------------------------------------------------------------------------------

# 'All priorities' means the plan's priorities and those of its sections. The plan's flag reads
# 'addressing all local priorities, unless otherwise indicated' (Hastings): an objective that names
# its own priorities addresses only those (and its section's).
PRIORITY_ROUTES = (
    Route("own priorities", "priorities"),
    Route("section's priority", "section__priority"),
    Route("objective addresses all", "plan__priorities", {"addresses_all_priorities": True}),
    Route("objective addresses all", "plan__sections__priority", {"addresses_all_priorities": True}),
    Route(
        "plan addresses all", "plan__priorities", {"plan__objectives_address_all_priorities": True, "priorities": None}
    ),
    Route(
        "plan addresses all",
        "plan__sections__priority",
        {"plan__objectives_address_all_priorities": True, "priorities": None},
    ),
)


# How a priority reaches a plan whose objectives can address it: the plan's, its sections', its objectives' own.
PLAN_PRIORITY_PATHS = ("plans", "sections__plan", "objectives__plan")


def priorities_of_plan(plan: Plan) -> QuerySet[Priority]:
    """Every priority a plan's objectives can address (the plan's, its sections', its objectives' own), in order.

    The rows of every per-priority table and the choices of every priority filter.
    """
    concerned = Q()
    for path in PLAN_PRIORITY_PATHS:
        concerned |= Q(**{path: plan})
    return Priority.objects.filter(concerned).distinct().order_by("position", "code", "id")


def priorities_of_plans(plan_ids: list[int]) -> dict[int, list[Priority]]:
    """`priorities_of_plan` for several plans at once, in two queries: {plan id: its priorities, in order}."""
    if not plan_ids:
        return {}
    pairs = [
        Priority.objects.filter(**{f"{path}__in": plan_ids}).order_by().values_list(path, "pk")
        for path in PLAN_PRIORITY_PATHS
    ]
    reached: dict[int, set[int]] = {}
    for plan_id, priority_id in pairs[0].union(*pairs[1:]):
        reached.setdefault(plan_id, set()).add(priority_id)
    every = Priority.objects.filter(pk__in=set().union(*reached.values()) if reached else []).order_by(
        "position", "code", "id"
    )
    ordered = list(every)
    return {plan_id: [p for p in ordered if p.pk in reached.get(plan_id, set())] for plan_id in plan_ids}


# What `priorities_addressed` reads: prefetch these on objectives to keep it query-free.
PRIORITY_PREFETCH = ("priorities", "plan__priorities", "plan__sections")


def addresses_priority_q(priority) -> Q:
    """Objectives that address a priority (a Priority or its pk), by any declared route."""
    return _routes_q(PRIORITY_ROUTES, priority)


def priorities_addressed(objective: Objective) -> set[int]:
    """The pks of the priorities an objective addresses (prefetch `PRIORITY_PREFETCH` and `section`)."""
    return _routes_reach(objective, PRIORITY_ROUTES)


def addresses_priority(objective: Objective, priority_id: int) -> bool:
    """Whether an objective addresses a priority: the Python twin of `addresses_priority_q`."""
    return priority_id in priorities_addressed(objective)


# Lead organisations --------------------------------------------------------------------------------------

LEAD_ORGANISATION_ROUTES = (
    Route("lead agency", "lead_agencies"),
    Route("agency recorded on a lead", "leads__agency"),
    Route("lead officer's agency", "leads__person__agency"),
)
LEAD_ORGANISATION_PREFETCH = ("lead_agencies", "leads__agency", "leads__person__agency")


def led_by_agency_q(agency) -> Q:
    """Objectives an agency (an Agency or its pk) leads, by any declared route."""
    return _routes_q(LEAD_ORGANISATION_ROUTES, agency)


def led_by_any_agency_q(agency_ids: Iterable[int]) -> Q:
    """Objectives led by any of the agencies, by any declared route."""
    return _routes_q(LEAD_ORGANISATION_ROUTES, list(agency_ids), lookup="__in")


def lead_organisation_ids(objective: Objective) -> set[int]:
    """The pks of the agencies leading an objective (prefetch `LEAD_ORGANISATION_PREFETCH`)."""
    return _routes_reach(objective, LEAD_ORGANISATION_ROUTES)


# How a lead reads ----------------------------------------------------------------------------------------

# What `lead_label` reads: select these on ObjectiveLead / MilestoneLead querysets to keep it query-free.
LEAD_LABEL_RELATED = ("person", "agency", "group")


def lead_label(lead) -> str:
    """A lead of an objective or milestone as every page, report and the API says it.

    'Chief Inspector Eastbourne District (Sussex Police)', 'Sussex Police',
    'Mark Smith, Community Safety Manager (SBC) — reporting officer'. The job title is the one written in
    the plan (`lead.job_title`), never the person's current one.
    """
    return lead_words(
        person_name=lead.person.name if lead.person_id else "",
        job_title=lead.job_title,
        bodies=[str(body) for body in (lead.agency, lead.group) if body is not None],
        kind=lead.kind,
    )


def lead_words(*, person_name: str, job_title: str, bodies: list[str], kind: str = "") -> str:
    """`lead_label`'s wording from the parts alone, for leads not stored yet (an import's preview)."""
    who = ", ".join(part for part in (person_name, job_title) if part)
    label = f"{who} ({', '.join(bodies)})" if who and bodies else who or ", ".join(bodies)
    if kind and kind != LeadKind.LEAD:
        label = f"{label} — {dict(LeadKind.choices).get(kind, kind).lower()}"
    return label


# `lead_label`'s parts as values, for a page that only says who leads (the meeting pack's 150 items): a row
# each instead of a lead, a person, an agency and a group per lead. `lead_label_of_values(*row)`.
LEAD_LABEL_VALUES = (
    "kind",
    "job_title",
    "person__name",
    "agency__short_name",
    "agency__name",
    "group__short_name",
    "group__name",
)


def lead_label_of_values(
    kind: str,
    job_title: str,
    person_name: str | None,
    agency_short_name: str | None,
    agency_name: str | None,
    group_short_name: str | None,
    group_name: str | None,
) -> str:
    """`lead_label` from a row of `LEAD_LABEL_VALUES` (None where the lead names no person, agency or group)."""
    bodies = [
        short_or_full_name(short or "", name)
        for short, name in ((agency_short_name, agency_name), (group_short_name, group_name))
        if name is not None
    ]
    return lead_words(person_name=person_name or "", job_title=job_title, bodies=bodies, kind=kind)


def labels_line(labels: Iterable[str]) -> str:
    """Several leads' labels in one line, in their order: '; ' between them."""
    return "; ".join(labels)


def leads_label(leads: Iterable) -> str:
    """Several leads in one line, in their order."""
    return labels_line(lead_label(lead) for lead in leads)


def leads_or_text(leads: Iterable, text: str) -> str:
    """An objective's or milestone's leads in one line, or the plan's own words when it names none as leads
    (as the plan page, dashboard and item page show them)."""
    return leads_label(leads) or text


def labels_or_text(labels: Iterable[str], text: str) -> str:
    """`leads_or_text` from labels already made (`lead_label_of_values`)."""
    return labels_line(labels) or text


# Overdue -------------------------------------------------------------------------------------------------


def overdue_reference_date(period: ReportingPeriod | None = None, *, today: dt.date | None = None) -> dt.date:
    """The day things are judged overdue on: the end of the period looked at, or today if that is earlier."""
    today = today or timezone.localdate()
    return min(period.end, today) if period is not None else today


def milestone_overdue_q(on: dt.date) -> Q:
    """Milestones past their date on `on` and not completed by then."""
    return Q(due_date__lt=on) & (Q(completed_on__isnull=True) | Q(completed_on__gt=on))


def milestone_is_overdue(milestone: Milestone, on: dt.date) -> bool:
    """The Python twin of `milestone_overdue_q`."""
    if milestone.due_date is None or milestone.due_date >= on:
        return False
    return milestone.completed_on is None or milestone.completed_on > on


def objective_overdue_q(on: dt.date) -> Q:
    """Active objectives past their own due date on `on`, or with an overdue milestone."""
    late_milestone = Milestone.objects.filter(milestone_overdue_q(on), objective=OuterRef("pk"))
    return Q(state=Objective.State.ACTIVE) & (Q(due_date__lt=on) | Exists(late_milestone))


def objective_is_overdue(objective: Objective, on: dt.date) -> bool:
    """The Python twin of `objective_overdue_q` (prefetch `milestones`)."""
    return objective_overdue_from(objective.state, objective.due_date, objective.milestones.all(), on)


def objective_overdue_from(state: str, due_date: dt.date | None, milestones: Iterable, on: dt.date) -> bool:
    """`objective_is_overdue` from an objective's parts: its state, due date and milestones (anything with
    `due_date` and `completed_on`), for a caller that reads them as rows rather than model instances."""
    if state != Objective.State.ACTIVE:
        return False
    if due_date is not None and due_date < on:
        return True
    return any(milestone_is_overdue(milestone, on) for milestone in milestones)


# Which periods an update may be for ----------------------------------------------------------------------


def update_periods_q(plan: Plan) -> Q:
    """Reporting periods an update of the plan's objectives may be for: its quarters, inside the plan's period."""
    return Q(
        partnership_id=plan.partnership_id,
        kind=ReportingPeriod.Kind.QUARTER,
        start__gte=plan.period_start,
        end__lte=plan.period_end,
    )


def update_periods_of(plan: Plan) -> QuerySet[ReportingPeriod]:
    """The quarters a plan runs through, in order."""
    return ReportingPeriod.objects.filter(update_periods_q(plan)).order_by("start")


def update_period_allowed(plan: Plan, period: ReportingPeriod) -> bool:
    """The Python twin of `update_periods_q`."""
    return (
        period.partnership_id == plan.partnership_id
        and period.kind == ReportingPeriod.Kind.QUARTER
        and period.start >= plan.period_start
        and period.end <= plan.period_end
    )


def update_period_error(plan: Plan, period: ReportingPeriod) -> str | None:
    """Why an update may not be for this period, in words for the person entering it (None if it may)."""
    if update_period_allowed(plan, period):
        return None
    if period.kind != ReportingPeriod.Kind.QUARTER:
        return f"An update is for a quarter: {period} is a {period.get_kind_display().lower()}."
    return f"{period} is not a quarter of the plan '{plan}' ({plan.period_start:%B %Y} to {plan.period_end:%B %Y})."


# --- The yearly cycle: what carries forward, when an old plan stops changing -----------------------


def objective_carry_forward_reason(objective: Objective) -> str | None:
    """Why an objective does not carry forward to next year's plan, or None when it does.

    Complete means the objective's state is 'completed' or it has a completion date; struck means
    its state is 'struck'. An archived objective has left the plan and does not carry either.
    """
    if objective.archived_at is not None:
        return "Archived"
    if objective.state == Objective.State.STRUCK:
        return "Struck from the plan"
    if objective.state == Objective.State.COMPLETED or objective.completed_on is not None:
        return "Complete"
    return None


def carries_forward_q() -> Q:
    """The query form of `objective_carry_forward_reason(...) is None` (parity checked in tests)."""
    return Q(archived_at__isnull=True, state=Objective.State.ACTIVE, completed_on__isnull=True)


class PlanReadOnly(ValidationError):
    """A write to a plan whose successor is live: last year's plan is the record, not a draft."""


def plan_is_read_only(plan: Plan) -> bool:
    """A plan is read-only once next year's plan (a successor, not archived) is live.

    Not when the successor is only a draft: until the coordinator publishes it, last year's Q4
    updates and reviews still go on the old plan.
    """
    return Plan.objects.filter(predecessor_id=plan.pk, status=Plan.Status.LIVE, archived_at__isnull=True).exists()


def plan_check_writable(plan: Plan) -> None:
    """Refuse (PlanReadOnly, a ValidationError: a message on pages, 400 in the API) a write to a read-only plan."""
    if plan_is_read_only(plan):
        # Keyed as a non-field error, so forms that file errors by field (the update page) show it too.
        raise PlanReadOnly(
            {
                NON_FIELD_ERRORS: [
                    f"{plan.title} is read-only: next year's plan is live. "
                    "Make changes to the objective in next year's plan."
                ]
            }
        )
