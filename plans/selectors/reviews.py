"""Reads behind the review pages: the dashboard, the item page and a group's meeting pack.

Every function starts from the access selectors, so another partnership's rows never appear.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.models import DeletedObject

from csp.models import Agency, Group, ReportingPeriod
from csp.prefetch import Sparse, annotate_sparse, prefetch_sparse
from csp.selectors import REVIEWER_ROLES, User, groups_visible_to, roles_by_partnership, roles_of
from priorities.models import Indicator, Priority

from ..models import (
    Action,
    ChangeProposal,
    Comment,
    Escalation,
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
    UpdateEvidence,
)
from ..rules import (
    LEAD_LABEL_RELATED,
    milestone_overdue_q,
    objective_overdue_q,
    overdue_reference_date,
    priorities_addressed,
    update_periods_of,
)
from .access import (
    LIVE_OBJECTIVE,
    LIVE_UPDATE,
    access_objective,
    can_edit_update,
    can_review,
    objectives_visible_to,
    plans_visible_to,
)
from .browse import current_period_for
from .status import (
    COUNTED_UPDATE_STATES,
    STATUS_ORDER,
    PeriodStatus,
    period_status_expression,
    period_status_rank_expression,
    update_counts,
)


def plans_reviewable_by(user: User) -> list[Plan]:
    """Live plans of the partnerships where the user is a coordinator or a group chair."""
    plans = plans_visible_to(user).filter(status=Plan.Status.LIVE).select_related("partnership", "current_period")
    if not user.is_superuser:
        # Narrowed first to the partnerships where the user reviews (roles read once per request), so the
        # query reads those partnerships' plans by index, not every live plan in the country.
        reviewing = [pk for pk, roles in roles_by_partnership(user).items() if roles & REVIEWER_ROLES]
        plans = plans.filter(partnership_id__in=reviewing)
    return [
        plan
        for plan in plans.order_by("partnership__name", "-period_start", "title")
        if roles_of(user, plan.partnership_id) & REVIEWER_ROLES
    ]


def objectives_for_review(
    *, plan: Plan, period: ReportingPeriod | None, today: dt.date | None = None, ranked: bool = True
) -> QuerySet:
    """A plan's live objectives, each annotated with its status, update and overdue milestones for a quarter
    (and `status_rank` for sorting worst first, unless `ranked` is False: the meeting pack sorts in plan order)."""
    reference = overdue_reference_date(period, today=today)
    # Unordered: the update's default ordering would join the objective, plan and partnership in every subquery.
    period_updates = QuarterlyUpdate.objects.filter(objective=OuterRef("pk"), period=period).order_by()
    overdue = Milestone.objects.filter(milestone_overdue_q(reference), objective=OuterRef("pk"))
    overdue_count = overdue.order_by().values("objective").annotate(n=Count("pk")).values("n")[:1]
    objectives = (
        plan.objectives.filter(LIVE_OBJECTIVE)
        .exclude(state=Objective.State.STRUCK)
        .select_related("section")
        .annotate(
            period_status=period_status_expression(period),
            period_update_state=Subquery(period_updates.values("state")[:1]),
            overdue_milestones=Coalesce(Subquery(overdue_count), Value(0), output_field=IntegerField()),
            is_overdue=ExpressionWrapper(objective_overdue_q(reference), output_field=BooleanField()),
        )
    )
    if not ranked:
        return objectives
    # Its own subquery: a CASE over period_status would repeat the status subquery once per status.
    return objectives.annotate(status_rank=period_status_rank_expression(period))


def counted_updates_prefetch(period: ReportingPeriod | None, *, to_attr: str = "counted_updates") -> Prefetch:
    """The period's counted update of each objective (a list of 0 or 1) with its outcome notes, for the reasons."""
    # Unordered (0 or 1 per objective): the default ordering would join the objective, plan and partnership.
    updates = (
        QuarterlyUpdate.objects.filter(period=period, state__in=COUNTED_UPDATE_STATES)
        .order_by()
        .prefetch_related(Prefetch("outcome_statuses", queryset=OutcomeStatus.objects.select_related("outcome")))
    )
    return Prefetch("updates", queryset=updates, to_attr=to_attr)


# Most objectives are measured by no indicator of their own: read them only for the rows that are (csp.prefetch).
_ROW_INDICATORS = (Sparse(Objective, "indicators", Indicator.objects.all()),)


def review_rows(queryset: QuerySet, period: ReportingPeriod | None) -> QuerySet:
    """What each row of the dashboard's list shows (leads as `row_leads`, the counted update and its reasons),
    prefetched; the page's rows then get the rest from `review_rows_page_prefetch`."""
    return annotate_sparse(queryset, _ROW_INDICATORS).prefetch_related(
        # Ordered within each objective only: the model's "objective" ordering joins plan and partnership. A list
        # (to_attr), not the manager: Django builds a filtered queryset per row to hold a manager's rows.
        Prefetch(
            "leads",
            queryset=ObjectiveLead.objects.select_related(*LEAD_LABEL_RELATED).order_by(
                "objective_id", "position", "id"
            ),
            to_attr="row_leads",
        ),
        counted_updates_prefetch(period),
    )


def review_rows_page_prefetch(rows: list[Objective]) -> None:
    """A page of `review_rows`: the indicators (for the rows that have some) and outcomes their trends read."""
    prefetch_sparse(rows, _ROW_INDICATORS)
    # Outcomes sorted within each objective: the model's "objective" ordering joins plan and partnership.
    prefetch_related_objects(
        rows, Prefetch("outcomes", queryset=ExpectedOutcome.objects.order_by("objective_id", "number"))
    )


@dataclass
class StatusCounts:
    """How many items of one section (or of the whole plan) have each status."""

    section_id: int | None
    label: str
    counts: dict[str, int] = field(default_factory=dict)
    is_total: bool = False
    # How many of these items are overdue (`plans.rules`), counted in the same query.
    overdue: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def ordered(self) -> list[tuple[str, str, int]]:
        """(status, its words, count) worst first."""
        return [(status, PeriodStatus.label(status), self.counts.get(status, 0)) for status in STATUS_ORDER]

    @property
    def section_param(self) -> str | None:
        """The dashboard's `section` filter value that lists these items (None: every section)."""
        if self.is_total:
            return None
        return str(self.section_id) if self.section_id is not None else "none"


def status_counts_by_section(*, plan: Plan, queryset: QuerySet) -> tuple[list[StatusCounts], StatusCounts]:
    """Counts of each status per section of the plan (sections in plan order) and in total, with how many are
    overdue (the total's `overdue`: the dashboard's overdue figure), in one query."""
    rows = (
        queryset.order_by()
        .values("section_id", "period_status")
        .annotate(n=Count("pk", distinct=True), overdue=Count("pk", distinct=True, filter=Q(is_overdue=True)))
    )
    by_section: dict[int | None, dict[str, int]] = defaultdict(dict)
    overdue: dict[int | None, int] = defaultdict(int)
    for row in rows:
        by_section[row["section_id"]][row["period_status"]] = row["n"]
        overdue[row["section_id"]] += row["overdue"]
    sections = [
        StatusCounts(
            section_id=section.pk,
            label=str(section),
            counts=by_section.get(section.pk, {}),
            overdue=overdue.get(section.pk, 0),
        )
        for section in plan.sections.order_by("position", "id")
    ]
    if None in by_section:
        sections.append(
            StatusCounts(section_id=None, label="No section", counts=by_section[None], overdue=overdue[None])
        )
    total: dict[str, int] = defaultdict(int)
    for counts in by_section.values():
        for status, n in counts.items():
            total[status] += n
    return sections, StatusCounts(
        section_id=None, label="All sections", counts=dict(total), is_total=True, overdue=sum(overdue.values())
    )


def overdue_item_count(queryset: QuerySet) -> int:
    """How many of the items are overdue (own date passed, or a milestone overdue): `plans.rules`."""
    return queryset.filter(is_overdue=True).count()


def plan_quarters(plan: Plan) -> list[ReportingPeriod]:
    """The quarters of a plan, for the period filter."""
    return list(update_periods_of(plan))


def review_period_for(plan: Plan, period_id: str | None) -> ReportingPeriod | None:
    """The quarter chosen in the request if it belongs to the plan, else the latest quarter with updates in."""
    if period_id and str(period_id).isdigit():
        chosen = update_periods_of(plan).filter(pk=int(period_id)).first()
        if chosen is not None:
            return chosen
    return latest_reported_period(plan)


LIVE = Q(archived_at__isnull=True)

# The item page -----------------------------------------------------------------------------------------


def _item_page_sparse() -> tuple[tuple[Sparse, ...], tuple[Sparse, ...]]:
    """What the item page lists that most objectives (and updates) have none of: read only where the
    objective's (or update's) own query says there are rows (`csp.prefetch`). Archived updates' evidence,
    comments, escalations and proposals leave the page's lists."""
    on_objective = (
        Sparse(Objective, "priorities", Priority.objects.all()),
        Sparse(Objective, "lead_agencies", Agency.objects.all()),
        Sparse(Objective, "indicators", Indicator.objects.all()),
        # Ordered by the parent's id, not the model's "objective" ordering, which joins the plan and
        # partnership only to sort rows that all belong to this one objective.
        Sparse(Objective, "actions", Action.objects.order_by("objective_id", "position", "id")),
        Sparse(Objective, "comments", Comment.objects.filter(LIVE).select_related("author", "update__period")),
        Sparse(
            Objective,
            "escalations",
            Escalation.objects.filter(LIVE).select_related("board", "raised_by", "update__period"),
        ),
        Sparse(Objective, "proposals", ChangeProposal.objects.filter(LIVE).select_related("proposed_by", "decided_by")),
    )
    on_update = (
        Sparse(QuarterlyUpdate, "milestones_met", Milestone.objects.all()),
        # The model's ordering ("update") joins update, objective, plan and partnership to sort one update's files.
        Sparse(
            QuarterlyUpdate,
            "evidence",
            UpdateEvidence.objects.filter(archived_at__isnull=True).order_by("update_id", "uploaded_at", "id"),
            to_attr="live_evidence",
        ),
    )
    return on_objective, on_update


def objective_for_item_page(*, user: User, pk: int) -> Objective:
    """An objective the user may see with everything its page shows, prefetched, or 404."""
    on_objective, on_update = _item_page_sparse()
    updates = annotate_sparse(
        QuarterlyUpdate.objects.select_related("period", "author", "submitted_by", "reviewed_by"), on_update
    ).prefetch_related(
        Prefetch("outcome_statuses", queryset=OutcomeStatus.objects.select_related("outcome")),
        Prefetch(
            "reviews",
            queryset=Review.objects.filter(archived_at__isnull=True).select_related("reviewer").order_by("created_at"),
        ),
    )
    # Readable by id even when archived (the page says so); lists and counts leave archived items out.
    queryset = objectives_visible_to(user, include_archived=True).select_related(
        "plan__partnership", "plan__owning_group", "section__priority", "carried_forward_from"
    )
    objective = get_object_or_404(
        annotate_sparse(queryset, on_objective).prefetch_related(
            "plan__priorities",
            Prefetch("plan__sections", queryset=Section.objects.select_related("priority")),
            "lead_groups",
            Prefetch("outcomes", queryset=ExpectedOutcome.objects.order_by("objective_id", "number")),
            Prefetch(
                "leads",
                queryset=ObjectiveLead.objects.select_related(*LEAD_LABEL_RELATED).order_by(
                    "objective_id", "position", "id"
                ),
            ),
            Prefetch("milestones", queryset=Milestone.objects.order_by("objective_id", "position", "due_date", "id")),
            Prefetch(
                "milestones__leads",
                queryset=MilestoneLead.objects.select_related(*LEAD_LABEL_RELATED).order_by(
                    "milestone_id", "position", "id"
                ),
            ),
            Prefetch("updates", queryset=updates.filter(archived_at__isnull=True).order_by("period__start")),
        ),
        pk=pk,
    )
    prefetch_sparse([objective], on_objective)
    prefetch_sparse(list(objective.updates.all()), on_update)
    return objective


def objective_for_history_page(*, user: User, pk: int) -> Objective:
    """An objective the user may see (`access_objective`: archived ones too, else 404) with what its history
    names: the quarter of each live update and the number of each outcome."""
    objective = access_objective(user, pk)
    prefetch_related_objects(
        [objective],
        # Read into dicts by id (objective_change_history): unordered, no joins to sort.
        Prefetch(
            "updates",
            queryset=QuarterlyUpdate.objects.filter(archived_at__isnull=True).select_related("period").order_by(),
        ),
        Prefetch("outcomes", queryset=ExpectedOutcome.objects.order_by()),
    )
    return objective


def priorities_addressed_by(objective: Objective) -> list[Priority]:
    """The priorities an objective addresses by the one rule (`plans.rules`), in order; reads only prefetched rows."""
    known = {p.pk: p for p in [*objective.priorities.all(), *objective.plan.priorities.all()]}
    known |= {s.priority_id: s.priority for s in objective.plan.sections.all() if s.priority_id}
    if objective.section_id and objective.section.priority_id:
        known[objective.section.priority_id] = objective.section.priority
    addressed = priorities_addressed(objective)
    return sorted((p for pk, p in known.items() if pk in addressed), key=lambda p: (p.position, p.code, p.pk))


@dataclass
class OutcomeRow:
    """One expected outcome with its status in each quarter (None where there is no update)."""

    outcome: object
    cells: list[OutcomeStatus | None]


def outcome_status_table(objective: Objective) -> tuple[list[ReportingPeriod], list[OutcomeRow]]:
    """Outcomes x quarters: the quarters with a counted update, and each outcome's status in them."""
    updates = [update for update in objective.updates.all() if update_counts(update)]
    periods = [update.period for update in updates]
    rows = []
    for outcome in objective.outcomes.all():
        cells = []
        for update in updates:
            status = next((s for s in update.outcome_statuses.all() if s.outcome_id == outcome.pk), None)
            cells.append(status)
        rows.append(OutcomeRow(outcome=outcome, cells=cells))
    return periods, rows


@dataclass
class HistoryEntry:
    """One recorded change: who did it, when, to what, and which fields moved from what to what."""

    when: dt.datetime
    who: str
    subject: str
    action: str
    changes: list[tuple[str, str, str]]


# Bookkeeping fields that say nothing to a reader.
HISTORY_SKIP_FIELDS = {"created_at", "updated_at", "version", "id"}
HISTORY_LIMIT = 60


def _display(model, field_name: str, value) -> str:
    # simple_history gives an empty foreign key as a DeletedObject without a pk ("Deleted user (pk=None)").
    if value in (None, "") or (isinstance(value, DeletedObject) and value.pk is None):
        return "(empty)"
    model_field = model._meta.get_field(field_name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "j M Y, H:i")
    if isinstance(value, dt.date):
        return date_format(value, "j M Y")
    if hasattr(value, "get_full_name"):
        return value.get_full_name() or value.get_username()
    text = str(value)
    return text if len(text) <= 300 else text[:297] + "..."


def _entries_for(records: list, subject_of, model) -> list[HistoryEntry]:
    """Pair each historical record with the one before it (same object) and describe the difference."""
    entries = []
    previous: dict[int, object] = {}
    m2m = {f.name for f in model._meta.many_to_many}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        who = record.history_user.get_full_name() or record.history_user.get_username() if record.history_user else ""
        before = previous.get(record.id)
        previous[record.id] = record
        if record.history_type == "+" or before is None:
            entries.append(HistoryEntry(record.history_date, who or "System", subject_of(record), "Created", []))
            continue
        if record.history_type == "-":
            entries.append(HistoryEntry(record.history_date, who or "System", subject_of(record), "Deleted", []))
            continue
        delta = record.diff_against(before, excluded_fields=HISTORY_SKIP_FIELDS | m2m, foreign_keys_are_objs=True)
        changes = [
            (
                str(model._meta.get_field(change.field).verbose_name).capitalize(),
                _display(model, change.field, change.old),
                _display(model, change.field, change.new),
            )
            for change in delta.changes
        ]
        if changes:
            entries.append(HistoryEntry(record.history_date, who or "System", subject_of(record), "Changed", changes))
    return entries


def objective_change_history(objective: Objective) -> list[HistoryEntry]:
    """Who changed what and when on an objective, its updates, outcome statuses, proposals and escalations."""
    periods = {update.pk: str(update.period) for update in objective.updates.all()}
    outcomes = {outcome.pk: outcome.number for outcome in objective.outcomes.all()}
    update_ids = list(periods)
    entries: list[HistoryEntry] = []
    entries += _entries_for(list(objective.history.select_related("history_user")), lambda r: "Objective", Objective)
    entries += _entries_for(
        list(QuarterlyUpdate.history.filter(objective_id=objective.pk).select_related("history_user")),
        lambda r: f"{periods.get(r.id, 'Deleted')} update",
        QuarterlyUpdate,
    )
    entries += _entries_for(
        list(OutcomeStatus.history.filter(update_id__in=update_ids).select_related("history_user")),
        lambda r: f"{periods.get(r.update_id, '')} outcome {outcomes.get(r.outcome_id, '')} status".strip(),
        OutcomeStatus,
    )
    entries += _entries_for(
        list(ChangeProposal.history.filter(objective_id=objective.pk).select_related("history_user")),
        lambda r: "Proposal",
        ChangeProposal,
    )
    entries += _entries_for(
        list(Escalation.history.filter(objective_id=objective.pk).select_related("history_user")),
        lambda r: "Escalation",
        Escalation,
    )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:HISTORY_LIMIT]


@dataclass
class ItemPermissions:
    """What the user may do on the item page."""

    review: bool
    write_update: bool

    @property
    def comment(self) -> bool:
        return self.review or self.write_update

    @property
    def propose(self) -> bool:
        # can_propose: lead officers, reviewing chairs and coordinators.
        return self.review or self.write_update


def item_permissions(user: User, objective: Objective) -> ItemPermissions:
    """The review and update rights of the user on one objective."""
    return ItemPermissions(review=can_review(user, objective), write_update=can_edit_update(user, objective))


def can_comment(user: User, objective: Objective) -> bool:
    """Those who review an item or write its updates may comment on it."""
    return can_review(user, objective) or can_edit_update(user, objective)


def board_of(partnership_id: int) -> Group | None:
    """The partnership's board / Responsible Authorities Group."""
    return Group.objects.filter(partnership_id=partnership_id, kind=Group.Kind.BOARD).order_by("pk").first()


# The meeting pack ---------------------------------------------------------------------------------------


def groups_for_meeting_packs(*, user: User, partnership_id: int) -> QuerySet[Group]:
    """The groups of a partnership, for links to their meeting packs."""
    return groups_visible_to(user).filter(partnership_id=partnership_id).order_by("kind", "name")


def objectives_owned_by_group(group: Group) -> QuerySet[Objective]:
    """Objectives the group owns: it is one of their lead groups, or it keeps their plan."""
    return Objective.objects.filter(
        Q(lead_groups=group) | Q(plan__owning_group=group), LIVE_OBJECTIVE, plan__partnership_id=group.partnership_id
    ).values("pk")


def latest_reported_period(plan: Plan, *, today: dt.date | None = None) -> ReportingPeriod | None:
    """The latest quarter up to the current one with a submitted or approved update: what a meeting reviews."""
    current = current_period_for(plan, today=today)
    # The partnership's periods (an update is only ever for one of them: `plans.rules.update_period_allowed`),
    # latest first, the first with a counted update of the plan: a few index probes, not every update sorted.
    reported = QuarterlyUpdate.objects.filter(
        LIVE_UPDATE, period=OuterRef("pk"), objective__plan=plan, state__in=COUNTED_UPDATE_STATES
    ).order_by()
    periods = ReportingPeriod.objects.filter(Exists(reported), partnership_id=plan.partnership_id)
    if current is not None:
        periods = periods.filter(start__lte=current.start)
    latest = periods.order_by("-start", "-pk").first()
    return latest or current
