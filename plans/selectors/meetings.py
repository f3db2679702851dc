"""Reads behind a group's meetings: the list, the pack for one meeting and its action log.

The pack is built in a constant number of queries per plan the group owns items of (never per item), and
carries each item's links as strings, so rendering it does no URL reversing per row. Statuses come from the
one status rule (`plans.selectors.status`), lateness from the overdue rule (`plans.rules`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.urls import reverse
from django.utils import timezone

from csp.links import url_of_id
from csp.models import Group, ReportingPeriod
from csp.prefetch import Sparse, annotate_sparse, prefetch_sparse
from csp.selectors import User

from ..models import (
    ActionLogItem,
    ChangeProposal,
    Comment,
    Escalation,
    ExpectedOutcome,
    Meeting,
    MeetingDecision,
    Objective,
    OutcomeStatus,
    Plan,
    QuarterlyUpdate,
    UpdateEvidence,
)
from .access import can_run_meeting, meetings_visible_to
from .leads import lead_lines
from .reviews import latest_reported_period, objectives_for_review, objectives_owned_by_group
from .status import (
    EXCEPTION_STATUSES,
    STATUSES_WITH_REASON,
    PeriodStatus,
    StatusRow,
    outcome_period_status,
    period_status,
    update_counts,
)

# The agenda: each item is listed once, under the first heading that fits it, in this order.
AGENDA = (
    (PeriodStatus.RED, "Red"),
    (PeriodStatus.AMBER, "Amber"),
    (PeriodStatus.NO_UPDATE, "No update"),
    (PeriodStatus.NO_STATUS, "Update gives no status"),
    ("late", "Late: overdue, or the update came in late"),
    ("returned", "Returned for changes"),
    ("to_decide", "Other items for a decision"),
)
AGENDA_LABELS = dict(AGENDA)
TREND_QUARTERS = 4


def meetings_of_group(*, user: User, group: Group) -> QuerySet[Meeting]:
    """A group's meetings, latest first, with how many decisions each recorded."""
    return meetings_visible_to(user).filter(group=group).order_by("-date")


def current_meeting_for(*, group: Group, today: dt.date | None = None) -> Meeting:
    """The group's next meeting (today or later), else its latest; unsaved on the group's next date if it has none."""
    today = today or timezone.localdate()
    upcoming = Q(date__gte=today)
    # One query: the meetings to come first, soonest first; then the past ones, latest first.
    found = (
        Meeting.objects.filter(group=group)
        .order_by(
            Case(When(upcoming, then=Value(0)), default=Value(1)),
            Case(When(upcoming, then=F("date"))).asc(),
            F("date").desc(),
        )
        .first()
    )
    if found is None:
        return Meeting(group=group, date=group.next_meeting or today)
    found.group = group  # the caller's group (with whatever it has read), not read again
    return found


@dataclass
class OutcomeLine:
    number: int
    text: str
    status: str
    note: str

    @property
    def status_label(self) -> str:
        return PeriodStatus.label(self.status)

    @property
    def tag_class(self) -> str:
        return TAG_CLASS[self.status]


@dataclass
class PackItem:
    """One item of the pack as the chair takes it through the meeting."""

    objective: Objective
    plan: Plan
    period: ReportingPeriod | None
    heading: str
    status: str
    update: QuarterlyUpdate | None
    leads: str
    outcomes: list[OutcomeLine]
    trend: list[tuple[ReportingPeriod, str]]
    is_overdue: bool
    overdue_milestones: int
    comments: list[Comment]
    proposals: list[ChangeProposal]
    escalations: list[Escalation]
    decisions: list[MeetingDecision]
    url: str
    may_decide: bool = False
    # Files attached to the quarter's counted update, each downloaded through the authorised view.
    evidence: list[UpdateEvidence] = field(default_factory=list)
    # Set by the page when a decision on this item came back with errors.
    failed_key: str = ""
    failed_form: object = None

    @property
    def status_label(self) -> str:
        return PeriodStatus.label(self.status)

    @property
    def counted(self) -> bool:
        return update_counts(self.update)

    @property
    def progress(self) -> str:
        """The counted update's progress; a draft or returned update is not the status, so not shown as it."""
        return self.update.progress if self.counted else ""

    @property
    def reason(self) -> str:
        """Why the status is red or amber: the counted update's rag_note."""
        if self.status in STATUSES_WITH_REASON and self.counted:
            return self.update.rag_note or "No reason given."
        return ""

    @property
    def is_returned(self) -> bool:
        return self.update is not None and self.update.state == QuarterlyUpdate.State.RETURNED

    @property
    def awaits_review(self) -> bool:
        return self.update is not None and self.update.state == QuarterlyUpdate.State.SUBMITTED

    @property
    def may_escalate_approved(self) -> bool:
        """An approved update can still go to the board from the pack, once (no open escalation of it)."""
        if self.update is None or self.update.state != QuarterlyUpdate.State.APPROVED:
            return False
        return not any(e.update_id == self.update.pk and e.resolved_at is None for e in self.escalations)

    @property
    def is_late(self) -> bool:
        return self.is_overdue or bool(self.update and self.update.is_late)

    @property
    def has_more(self) -> bool:
        """Whether the item shows anything below its summary and outcomes: comments, escalations, proposals,
        decisions, or a decision form for its chair. Most items show none (the pack's template skips the rest)."""
        return bool(
            self.comments
            or self.escalations
            or self.proposals
            or self.decisions
            or (self.may_decide and (self.awaits_review or self.may_escalate_approved))
        )

    @property
    def trend_cells(self) -> list[tuple[str, str, str]]:
        """(quarter, status words, tag class) oldest first: the direction of travel, by the one status rule."""
        return [(period.label, PeriodStatus.label(status), TAG_CLASS[status]) for period, status in self.trend]

    @property
    def status_tag_class(self) -> str:
        return TAG_CLASS[self.status]

    @property
    def direction(self) -> str:
        """Better, worse or the same between the last two quarters with a colour (words, never colour alone)."""
        ranked = [RANK[status] for _period, status in self.trend if status in RANK]
        if len(ranked) < 2:
            return "Not enough quarters with a status"
        if ranked[-1] < ranked[-2]:
            return "Improving"
        if ranked[-1] > ranked[-2]:
            return "Getting worse"
        return "No change"


TAG_CLASS = {
    PeriodStatus.RED: "govuk-tag--red",
    PeriodStatus.AMBER: "govuk-tag--yellow",
    PeriodStatus.GREEN: "govuk-tag--green",
    PeriodStatus.NO_STATUS: "govuk-tag--grey",
    PeriodStatus.NO_UPDATE: "govuk-tag--grey",
}
# Colours ranked for the direction of travel: lower is better.
RANK = {PeriodStatus.GREEN: 0, PeriodStatus.AMBER: 1, PeriodStatus.RED: 2}


@dataclass
class AgendaSection:
    key: str
    label: str
    items: list[PackItem] = field(default_factory=list)


@dataclass
class PlanPeriod:
    plan: Plan
    period: ReportingPeriod | None


@dataclass
class MeetingPack:
    """Everything a group's meeting goes through, in agenda order."""

    meeting: Meeting
    group: Group
    plans: list[PlanPeriod]
    agenda: list[AgendaSection]
    actions: list[ActionLogItem]
    decisions: list[MeetingDecision]
    may_run: bool
    # Where the pack's decision forms post (one reverse for every item's form; '' for a meeting not set up).
    decide_url: str = ""

    @property
    def items(self) -> list[PackItem]:
        return [item for section in self.agenda for item in section.items]


def _heading(objective: Objective) -> str | None:
    status = objective.period_status
    if status in (PeriodStatus.RED, PeriodStatus.AMBER):
        return status
    if objective.period_update_state == QuarterlyUpdate.State.RETURNED:
        return "returned"
    if status in (PeriodStatus.NO_UPDATE, PeriodStatus.NO_STATUS):
        return status
    if objective.is_overdue or objective.period_update_late:
        return "late"
    return "to_decide"


def last_quarters(period: ReportingPeriod | None) -> list[ReportingPeriod]:
    """The period and up to three quarters before it, oldest first: the direction of travel's columns."""
    if period is None:
        return []
    quarters = ReportingPeriod.objects.filter(
        partnership_id=period.partnership_id, kind=ReportingPeriod.Kind.QUARTER, start__lte=period.start
    ).order_by("-start")[:TREND_QUARTERS]
    return list(reversed(quarters))


# What a pack item reads of its objective (its section is read whole; the status, update and overdue come as
# annotations). Objectives are wide and a pack lists up to a whole plan: a field read but not listed here would
# cost a query per item (the flat-query tests of the pack catch it).
PACK_OBJECTIVE_FIELDS = ("id", "plan_id", "section_id", "ref", "title", "lead_text", "state", "position")


# What the pack lists as open on an item. Each is written once: the annotation that puts an item on the agenda
# (and says whether it has any) and the read of those rows (`_open_items`, skipped where it has none) must agree.
OPEN_ESCALATION = Q(resolved_at__isnull=True, archived_at=None)
PENDING_PROPOSAL = Q(decision=ChangeProposal.Decision.PENDING, archived_at=None)


def _pack_since(*, quarters, meeting: Meeting) -> dt.date:
    """Comments shown in the pack: those since the trend's first quarter (or a year before the meeting)."""
    return quarters[0].start if quarters else meeting.date - dt.timedelta(days=365)


def _pack_sparse(*, since: dt.date) -> tuple[Sparse, ...]:
    """What most items of a pack have none of: pending proposals, open escalations and recent comments, read only
    for the items whose own EXISTS says they have some (csp.prefetch). The proposal and escalation flags also put
    an item on the agenda, so the agenda and the lists read the same rule (`PENDING_PROPOSAL`, `OPEN_ESCALATION`).
    Lists (to_attr), not managers: a manager per row costs a queryset clone per objective."""
    return (
        Sparse(
            Objective,
            "proposals",
            ChangeProposal.objects.filter(PENDING_PROPOSAL).select_related("proposed_by").order_by("proposed_at"),
            to_attr="pack_proposals",
        ),
        Sparse(
            Objective,
            "escalations",
            Escalation.objects.filter(OPEN_ESCALATION)
            .select_related("board", "raised_by", "update__period")
            .order_by("raised_at"),
            to_attr="pack_escalations",
        ),
        Sparse(
            Objective,
            "comments",
            Comment.objects.filter(archived_at=None, created_at__date__gte=since)
            .select_related("author")
            .order_by("created_at"),
            to_attr="pack_comments",
        ),
    )


# The reviewed quarter's evidence: most updates have none (csp.prefetch).
_PACK_EVIDENCE = (
    Sparse(
        QuarterlyUpdate,
        "evidence",
        UpdateEvidence.objects.filter(archived_at=None).order_by("uploaded_at", "pk"),
        to_attr="pack_evidence",
    ),
)


def _pack_candidates(
    *, group: Group, owned: QuerySet, plan: Plan, period, quarters, meeting: Meeting
) -> QuerySet[Objective]:
    """The plan's items the group owns (`owned`) and, for a board, those escalated to it, each annotated with what
    `_on_agenda` reads and `pack_owned` (the group's own items, which its chair decides on). The agenda rule itself
    is applied to the rows (`_on_agenda`), not in SQL: as a filter on these annotations PostgreSQL computed each
    status subquery twice (once in WHERE, once in the select list) and Django compiled it twice."""
    on_agenda = Q(pk__in=owned)
    is_owned = Value(True)  # a group other than a board sees only its own items
    if group.kind == Group.Kind.BOARD:
        on_agenda |= Exists(Escalation.objects.filter(OPEN_ESCALATION, objective=OuterRef("pk"), board=group))
        is_owned = Exists(owned.filter(pk=OuterRef("pk")))
    period_update = QuarterlyUpdate.objects.filter(objective=OuterRef("pk"), period=period, archived_at=None).order_by()
    objectives = (
        objectives_for_review(plan=plan, period=period, today=meeting.date, ranked=False)
        .only(*PACK_OBJECTIVE_FIELDS)
        .select_related(None)
        .filter(on_agenda)
        .annotate(period_update_late=Subquery(period_update.values("is_late")[:1]), pack_owned=is_owned)
    )
    return annotate_sparse(objectives, _pack_sparse(since=_pack_since(quarters=quarters, meeting=meeting)))


def _on_agenda(objective: Objective) -> bool:
    """The agenda rule: an item is in the pack when its status is an exception, it or its update is late, its
    update waits for a decision or was returned, or an escalation or proposal is open on it."""
    return bool(
        objective.period_status in EXCEPTION_STATUSES
        or objective.is_overdue
        or objective.period_update_late
        or objective.period_update_state in (QuarterlyUpdate.State.SUBMITTED, QuarterlyUpdate.State.RETURNED)
        or objective.has_pack_escalations
        or objective.has_pack_proposals
    )


def _pack_objectives(
    *, group: Group, owned: QuerySet, plan: Plan, period, quarters, meeting: Meeting
) -> list[Objective]:
    """The plan's items on the group's agenda (`_on_agenda`) in plan order, with their sections and the reviewed
    quarter's updates."""
    candidates = _pack_candidates(
        group=group, owned=owned, plan=plan, period=period, quarters=quarters, meeting=meeting
    )
    objectives = [
        objective for objective in candidates.order_by("section__position", "position", "id") if _on_agenda(objective)
    ]
    # The reviewed quarter's updates only (the quarter is the last of `quarters`), unordered (the default ordering
    # would join the plan and partnership); the earlier quarters' statuses are read as rows by `_trend_rows`, and
    # the reviewed quarter's outcome statuses and evidence after, for it alone.
    updates = annotate_sparse(
        QuarterlyUpdate.objects.filter(period__in=quarters[-1:], archived_at=None).order_by(), _PACK_EVIDENCE
    )
    # Each plan's few sections once, not a section row joined to each of 150 items. Lists (to_attr), not
    # managers: a manager per row costs a queryset clone per objective.
    prefetch_related_objects(objectives, "section", Prefetch("updates", queryset=updates, to_attr="pack_updates"))
    return objectives


def _lead_lines(objectives: list[Objective]) -> None:
    """Who leads each item, in one line (`lead_lines`: no lead, person, agency or group rows, about 600 for a pack
    of 150 items)."""
    lines = lead_lines(objectives)
    for objective in objectives:
        objective.pack_lead_line = lines[objective.pk]


def _open_items(objectives: list[Objective], *, quarters, meeting: Meeting) -> None:
    """Each item's pending proposals, open escalations, recent comments (`_pack_sparse`: only for the items whose
    flags say they have some) and this meeting's decisions."""
    prefetch_sparse(objectives, _pack_sparse(since=_pack_since(quarters=quarters, meeting=meeting)))
    if meeting.pk is None:  # a meeting not set up has no decisions
        for objective in objectives:
            objective.pack_decisions = []
    else:
        prefetch_related_objects(
            objectives,
            Prefetch(
                "meeting_decisions",
                queryset=MeetingDecision.objects.filter(meeting_id=meeting.pk).select_related("decided_by"),
                to_attr="pack_decisions",
            ),
        )


def _outcomes_of(objectives: list[Objective]) -> None:
    """Each objective's expected outcomes as (id, number, text) in number order: one query, no model rows."""
    by_objective: dict[int, list[tuple[int, int, str]]] = {objective.pk: [] for objective in objectives}
    if by_objective:
        rows = (
            ExpectedOutcome.objects.filter(objective_id__in=list(by_objective))
            .order_by("objective_id", "number")
            .values_list("objective_id", "pk", "number", "text")
        )
        for objective_id, pk, number, text in rows:
            by_objective[objective_id].append((pk, number, text))
    for objective in objectives:
        objective.pack_outcomes = by_objective[objective.pk]


def _trend_rows(objectives: list[Objective], *, quarters) -> None:
    """Each objective's updates of the trend quarters before the reviewed one, as `pack_trend` {period id: row}:
    one query for the plan."""
    by_objective: dict[int, dict[int, StatusRow]] = {objective.pk: {} for objective in objectives}
    if by_objective and len(quarters) > 1:
        rows = (
            QuarterlyUpdate.objects.filter(
                objective_id__in=list(by_objective), period__in=quarters[:-1], archived_at=None
            )
            .order_by()
            .values_list("objective_id", "period_id", "state", "rag_status")
        )
        for objective_id, period_id, state, rag_status in rows:
            by_objective[objective_id][period_id] = StatusRow(rag_status=rag_status, state=state)
    for objective in objectives:
        objective.pack_trend = by_objective[objective.pk]


def _reviewed_updates(objectives: list[Objective], *, period) -> None:
    """Give each update of the reviewed quarter its quarter (no query), and the counted ones their outcome statuses
    (rows) and evidence: two queries for the plan, only for the updates whose statuses and files the pack shows."""
    reviewed = {}
    for objective in objectives:
        for update in objective.pack_updates:
            update.period = period
            update.pack_statuses = []
            if update_counts(update):
                reviewed[update.pk] = update
            else:
                update.pack_evidence = []
    if not reviewed:
        return
    statuses = (
        OutcomeStatus.objects.filter(update_id__in=list(reviewed))
        .order_by()
        .values_list("update_id", "outcome_id", "rag_status", "note")
    )
    for update_id, outcome_id, rag_status, note in statuses:
        reviewed[update_id].pack_statuses.append((outcome_id, StatusRow(rag_status=rag_status, note=note)))
    prefetch_sparse(list(reviewed.values()), _PACK_EVIDENCE)
    download_url = url_of_id("plans:evidence_download")
    for update in reviewed.values():
        for file in update.pack_evidence:
            file.download_url = download_url(file.pk)


def _pack_item(objective: Objective, *, plan, period, quarters, may_run: bool, url_of) -> PackItem:
    update = objective.pack_updates[0] if objective.pack_updates else None
    by_period = {**objective.pack_trend, period.pk: update} if period else {}
    counted = update_counts(update)
    # Only a counted update's outcome statuses are read (outcome_period_status: 'No update' otherwise).
    statuses = dict(update.pack_statuses) if update else {}
    outcomes = [
        OutcomeLine(
            number=number,
            text=text,
            status=outcome_period_status(update, statuses.get(pk)),
            note=statuses[pk].note if counted and pk in statuses else "",
        )
        for pk, number, text in objective.pack_outcomes
    ]
    return PackItem(
        objective=objective,
        plan=plan,
        period=period,
        heading=_heading(objective),
        status=objective.period_status,
        update=update,
        leads=objective.pack_lead_line,
        outcomes=outcomes,
        trend=[(quarter, period_status(by_period.get(quarter.pk))) for quarter in quarters],
        is_overdue=objective.is_overdue,
        overdue_milestones=objective.overdue_milestones,
        comments=objective.pack_comments,
        proposals=objective.pack_proposals,
        escalations=objective.pack_escalations,
        decisions=objective.pack_decisions,
        url=url_of(objective.pk),
        # The chair of the group reviews the items the group owns; escalated-in items are the board's to resolve.
        may_decide=may_run and objective.pack_owned,
        evidence=update.pack_evidence if counted else [],
    )


def action_log_q(meeting: Meeting) -> Q:
    """Actions of the group raised at this meeting or before and not done before it: carried meeting to meeting."""
    return Q(group_id=meeting.group_id, raised_at__date__lte=meeting.date) & (
        Q(done_on__isnull=True) | Q(done_on__gte=meeting.date)
    )


def meeting_pack_for(*, user: User | None, meeting: Meeting) -> MeetingPack:
    """The pack of a meeting: items in agenda order with their statuses, reasons, trend and what is open on them."""
    group = meeting.group
    # No user: the pack as a document (the PDF), with nothing to decide.
    may_run = user is not None and meeting.pk is not None and can_run_meeting(user, group)
    owned = objectives_owned_by_group(group)
    # A plan is in the pack if the group owns one of its items or (a board) one of its items is escalated to it:
    # EXISTS per plan of the partnership, never a join of objectives x escalations made distinct.
    on_agenda = Exists(owned.filter(plan=OuterRef("pk")))
    if group.kind == Group.Kind.BOARD:
        on_agenda |= Exists(
            Escalation.objects.filter(objective__plan=OuterRef("pk"), board=group, resolved_at__isnull=True).order_by()
        )
    plans = list(
        Plan.objects.filter(on_agenda, partnership_id=group.partnership_id, status=Plan.Status.LIVE)
        .select_related("current_period", "partnership")
        .order_by("-period_start", "title")
    )
    url_of = url_of_id("plans:objective_detail")
    sections = {key: AgendaSection(key=key, label=label) for key, label in AGENDA}
    plan_periods = []
    for plan in plans:
        period = latest_reported_period(plan, today=meeting.date)
        quarters = last_quarters(period)
        plan_periods.append(PlanPeriod(plan=plan, period=period))
        objectives = _pack_objectives(
            group=group, owned=owned, plan=plan, period=period, quarters=quarters, meeting=meeting
        )
        _outcomes_of(objectives)
        _lead_lines(objectives)
        _open_items(objectives, quarters=quarters, meeting=meeting)
        _trend_rows(objectives, quarters=quarters)
        _reviewed_updates(objectives, period=period)
        for objective in objectives:
            item = _pack_item(
                objective,
                plan=plan,
                period=period,
                quarters=quarters,
                may_run=may_run,
                url_of=url_of,
            )
            sections[item.heading].items.append(item)
    actions = list(
        ActionLogItem.objects.filter(action_log_q(meeting))
        .select_related("owner", "raised_at")
        .order_by("done_on", "due_date", "raised_at__date", "id")
    )
    edit_url, done_url = url_of_id("plans:action_edit"), url_of_id("plans:action_done")
    for action in actions:
        action.edit_url, action.done_url = edit_url(action.pk), done_url(action.pk)
    decisions = (
        list(meeting.decisions.select_related("objective", "decided_by").order_by("created_at", "id"))
        if meeting.pk
        else []
    )
    return MeetingPack(
        meeting=meeting,
        group=group,
        plans=plan_periods,
        agenda=[sections[key] for key, _label in AGENDA],
        actions=actions,
        decisions=decisions,
        may_run=may_run,
        decide_url=reverse("plans:meeting_decide", args=[meeting.pk]) if meeting.pk else "",
    )
