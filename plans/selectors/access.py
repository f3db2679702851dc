"""Who may see or change plans, objectives and updates: the plans app's one access policy.

Lists go through `*_visible_to(user)`; one object by id goes through `access_*(user, pk, for_change=...)`,
which answers 404 for another partnership's object (as for one that does not exist) and 403 only
for an object the user can see but may not change. Pages, the API, reports and exports call these;
tests/csp/test_access_lint.py rejects a bare `Model.objects.get(` in views and API modules.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from csp.models import Group, Role
from csp.selectors import (
    EDITOR_ROLES,
    User,
    has_role,
    partnership_ids_visible_to,
    people_of,
    roles_by_partnership,
    users_with_role,
)

from ..models import (
    ActionLogItem,
    ChangeProposal,
    Escalation,
    Meeting,
    Milestone,
    Objective,
    ObjectiveLead,
    Plan,
    PlanImport,
    QuarterlyUpdate,
    Section,
    UpdateEvidence,
)

# Not archived, nor inside something archived: the one definition lists, counts and reports filter by.
LIVE_PLAN = Q(archived_at__isnull=True)
LIVE_OBJECTIVE = Q(archived_at__isnull=True, plan__archived_at__isnull=True)
LIVE_UPDATE = Q(
    archived_at__isnull=True, objective__archived_at__isnull=True, objective__plan__archived_at__isnull=True
)


def plans_visible_to(user: User, *, include_archived: bool = False) -> QuerySet[Plan]:
    """Plans of the user's partnerships (archived ones only when asked: detail lookups, restore)."""
    plans = Plan.objects.filter(partnership__in=partnership_ids_visible_to(user))
    return plans if include_archived else plans.filter(LIVE_PLAN)


def objectives_visible_to(user: User, *, include_archived: bool = False) -> QuerySet[Objective]:
    """Objectives of the user's partnerships (archived ones, or those of archived plans, only when asked)."""
    objectives = Objective.objects.filter(plan__partnership__in=partnership_ids_visible_to(user))
    return objectives if include_archived else objectives.filter(LIVE_OBJECTIVE)


def updates_visible_to(user: User, *, include_archived: bool = False) -> QuerySet[QuarterlyUpdate]:
    """Quarterly updates of the user's partnerships (archived ones, or of archived items, only when asked)."""
    updates = QuarterlyUpdate.objects.filter(objective__plan__partnership__in=partnership_ids_visible_to(user))
    return updates if include_archived else updates.filter(LIVE_UPDATE)


def _refuse(message: str) -> None:
    raise PermissionDenied(message)


def can_change_plan_content(user: User, partnership_id: int) -> bool:
    """A coordinator of the partnership may change its plans, objectives and their parts."""
    return has_role(user, partnership_id, *EDITOR_ROLES)


def access_plan(user: User, pk: int, *, for_change: bool = False) -> Plan:
    """A plan the user may see (else 404); with for_change, one they may also change (else 403)."""
    plan = get_object_or_404(plans_visible_to(user, include_archived=True).select_related("partnership"), pk=pk)
    if for_change and not can_change_plan_content(user, plan.partnership_id):
        _refuse("Only a coordinator of this partnership can change its plans.")
    return plan


def access_objective(user: User, pk: int, *, for_change: bool = False) -> Objective:
    """An objective the user may see (else 404); with for_change, one they may also change (else 403)."""
    objective = get_object_or_404(
        objectives_visible_to(user, include_archived=True).select_related("plan__partnership", "section"), pk=pk
    )
    if for_change and not can_change_plan_content(user, objective.plan.partnership_id):
        _refuse("Only a coordinator of this partnership can change its objectives.")
    return objective


def access_milestone(user: User, pk: int, *, for_change: bool = False) -> Milestone:
    """A milestone of an objective the user may see (else 404); with for_change, one they may change (else 403)."""
    milestone = get_object_or_404(
        Milestone.objects.filter(objective__in=objectives_visible_to(user, include_archived=True)).select_related(
            "objective__plan__partnership", "objective__section"
        ),
        pk=pk,
    )
    if for_change and not can_change_plan_content(user, milestone.objective.plan.partnership_id):
        _refuse("Only a coordinator of this partnership can change its milestones.")
    return milestone


def access_update(user: User, pk: int, *, for_change: bool = False) -> QuarterlyUpdate:
    """A quarterly update the user may see (else 404); with for_change, one they may write (else 403)."""
    update = get_object_or_404(
        updates_visible_to(user, include_archived=True).select_related("objective__plan__partnership", "period"), pk=pk
    )
    if for_change and not can_edit_update(user, update.objective):
        _refuse("Only the objective's lead officers (or a coordinator) can write its updates.")
    return update


def access_change_proposal(user: User, pk: int) -> ChangeProposal:
    """A proposal to strike or change an objective the user may see (else 404)."""
    return get_object_or_404(
        ChangeProposal.objects.filter(objective__in=objectives_visible_to(user, include_archived=True)).select_related(
            "objective__plan"
        ),
        pk=pk,
    )


def escalations_visible_to(user: User) -> QuerySet[Escalation]:
    """Escalations on objectives the user may see: the one rule for the board page and the API list."""
    return Escalation.objects.filter(objective__in=objectives_visible_to(user, include_archived=True)).select_related(
        "objective__plan", "board__chair", "raised_by", "resolved_by"
    )


def open_escalations_visible_to(user: User) -> QuerySet[Escalation]:
    """Escalations not yet resolved, on live items the user may see, for the board's next meeting first."""
    return (
        escalations_visible_to(user)
        .filter(resolved_at__isnull=True, archived_at__isnull=True, objective__archived_at__isnull=True)
        .select_related("update__period", "board__partnership")
        .order_by("meeting_date", "raised_at", "pk")
    )


def access_escalation(user: User, pk: int) -> Escalation:
    """An escalation the user may see (else 404: another partnership's escalation does not exist for them)."""
    return get_object_or_404(escalations_visible_to(user), pk=pk)


def objectives_led_by(user: User) -> QuerySet[Objective]:
    """Objectives where the user is a named lead officer."""
    # A subquery, not a join with DISTINCT: no duplicate rows to remove and a much cheaper plan.
    led = ObjectiveLead.objects.filter(person__in=people_of(user)).values("objective_id")
    return objectives_visible_to(user).filter(pk__in=led)


def is_lead_officer_of(user: User, objective: Objective) -> bool:
    """The user is a named lead officer of the objective."""
    return objective.leads.filter(person__user=user).exists() if user.is_authenticated else False


def can_edit_update(user: User, objective: Objective) -> bool:
    """A lead officer of the objective, or a coordinator of its partnership, may write its updates."""
    if not user.is_authenticated:
        return False
    partnership_id = objective.plan.partnership_id
    if has_role(user, partnership_id, Role.COORDINATOR):
        return True
    return has_role(user, partnership_id, Role.LEAD_OFFICER) and is_lead_officer_of(user, objective)


def chairs_group_of(user: User, objective: Objective) -> bool:
    """The user chairs a group that owns the objective (its lead groups, else the plan's group)."""
    if not user.is_authenticated:
        return False
    return Group.objects.filter(_owning_groups_q(objective), chair__user=user).exists()


def _owning_groups_q(objective: Objective) -> Q:
    owning = Q(pk__in=objective.lead_groups.all().values("pk"))
    if objective.plan.owning_group_id:
        owning |= Q(pk=objective.plan.owning_group_id)
    return owning


def reviewers_of(objective: Objective) -> QuerySet:
    """The users who review the objective's updates as chairs (can_review's chairs); its coordinators when none."""
    partnership_id = objective.plan.partnership_id
    chaired = Group.objects.filter(_owning_groups_q(objective)).values("chair__user")
    chairs = users_with_role(partnership_id, Role.GROUP_CHAIR).filter(pk__in=chaired)
    return chairs if chairs.exists() else users_with_role(partnership_id, Role.COORDINATOR)


def lead_officer_users_of(objective: Objective) -> QuerySet:
    """The active users linked to the objective's named lead officers."""
    return (
        get_user_model()
        .objects.filter(is_active=True, people__objective_leads__objective=objective, people__archived_at__isnull=True)
        .distinct()
    )


def can_propose(user: User, objective: Objective) -> bool:
    """Lead officers, the chairs who review the item and coordinators may propose to strike or change it."""
    return can_edit_update(user, objective) or can_review(user, objective)


def can_resolve_escalation(user: User, escalation: Escalation) -> bool:
    """A coordinator of the board's partnership, or the person who chairs the board, may resolve its escalations."""
    if not user.is_authenticated:
        return False
    board = escalation.board
    if has_role(user, board.partnership_id, Role.COORDINATOR):
        return True
    return board.chair_id is not None and board.chair.user_id == user.pk


def can_review(user: User, objective: Objective) -> bool:
    """A coordinator, or a chair of a group that owns the item, may review its updates."""
    if not user.is_authenticated:
        return False
    partnership_id = objective.plan.partnership_id
    if has_role(user, partnership_id, Role.COORDINATOR):
        return True
    return has_role(user, partnership_id, Role.GROUP_CHAIR) and chairs_group_of(user, objective)


def objectives_reviewable_by(user: User) -> QuerySet[Objective]:
    """The query twin of `can_review` (same cases as `chairs_group_of`): every objective of a partnership the user
    coordinates, and where they hold the chair role, the items owned by a group they chair."""
    if not user.is_authenticated:
        return Objective.objects.none()
    if user.is_superuser:
        return Objective.objects.all()
    held = roles_by_partnership(user)
    coordinated = [pk for pk, roles in held.items() if Role.COORDINATOR in roles]
    chaired = [pk for pk, roles in held.items() if Role.GROUP_CHAIR in roles]
    chaired_groups = Group.objects.filter(chair__user=user, partnership_id__in=chaired).values("pk")
    led_by_chaired = Objective.lead_groups.through.objects.filter(group__in=chaired_groups).values("objective")
    return Objective.objects.filter(
        Q(plan__partnership_id__in=coordinated)
        | Q(plan__partnership_id__in=chaired) & (Q(pk__in=led_by_chaired) | Q(plan__owning_group__in=chaired_groups))
    )


# Meetings of a group: their packs, decisions and action logs -----------------------------------------


def meetings_visible_to(user: User) -> QuerySet[Meeting]:
    """Meetings of the groups of the user's partnerships."""
    return Meeting.objects.filter(group__partnership__in=partnership_ids_visible_to(user))


def can_run_meeting(user: User, group: Group) -> bool:
    """A coordinator of the group's partnership, or the group chair who chairs this group, may run its meetings."""
    if not user.is_authenticated:
        return False
    if has_role(user, group.partnership_id, Role.COORDINATOR):
        return True
    return (
        has_role(user, group.partnership_id, Role.GROUP_CHAIR)
        and group.chair_id is not None
        and group.chair.user_id == user.pk
    )


def access_group(user: User, pk: int, *, for_change: bool = False) -> Group:
    """A group the user may see (else 404); with for_change, one whose meetings they may run (else 403)."""
    group = get_object_or_404(
        Group.objects.filter(partnership__in=partnership_ids_visible_to(user)).select_related("partnership", "chair"),
        pk=pk,
    )
    if for_change and not can_run_meeting(user, group):
        _refuse("Only the chair of this group, or a coordinator, can run its meetings.")
    return group


def access_meeting(user: User, pk: int, *, for_change: bool = False) -> Meeting:
    """A meeting the user may see (else 404); with for_change, one they may take decisions at (else 403)."""
    meeting = get_object_or_404(
        meetings_visible_to(user).select_related("group__partnership", "group__chair", "created_by"), pk=pk
    )
    if for_change and not can_run_meeting(user, meeting.group):
        _refuse("Only the chair of this group, or a coordinator, can take decisions at its meetings.")
    return meeting


def access_action_item(user: User, pk: int, *, for_change: bool = False) -> ActionLogItem:
    """An action of a group's log the user may see (else 404); with for_change, one they may edit (else 403)."""
    item = get_object_or_404(
        ActionLogItem.objects.filter(group__partnership__in=partnership_ids_visible_to(user)).select_related(
            "group__partnership", "group__chair", "raised_at", "owner"
        ),
        pk=pk,
    )
    if for_change and not can_run_meeting(user, item.group):
        _refuse("Only the chair of this group, or a coordinator, can change its action log.")
    return item


def access_section(user: User, pk: int, *, for_change: bool = False) -> Section:
    """A section of a plan the user may see (else 404); with for_change, one they may also change (else 403)."""
    section = get_object_or_404(
        Section.objects.filter(plan__in=plans_visible_to(user, include_archived=True)).select_related(
            "plan__partnership"
        ),
        pk=pk,
    )
    if for_change and not can_change_plan_content(user, section.plan.partnership_id):
        _refuse("Only a coordinator of this partnership can change its plans.")
    return section


def evidence_visible_to(user: User) -> QuerySet[UpdateEvidence]:
    """Evidence on the updates the user may see (never archived evidence)."""
    return UpdateEvidence.objects.filter(update__in=updates_visible_to(user), archived_at__isnull=True)


def access_evidence(user: User, pk: int) -> UpdateEvidence:
    """Evidence the user may see (else 404: another partnership's, or archived)."""
    return get_object_or_404(
        evidence_visible_to(user).select_related("update__objective__plan__partnership", "update__period"), pk=pk
    )


def plan_imports_visible_to(user: User) -> QuerySet[PlanImport]:
    """Plan imports (uploaded plan documents) of the user's partnerships."""
    return PlanImport.objects.filter(partnership__in=partnership_ids_visible_to(user))


def access_plan_import(user: User, pk: int) -> PlanImport:
    """An import the user's partnership made (else 404), which only its coordinators may go on with (else 403)."""
    plan_import = get_object_or_404(plan_imports_visible_to(user).select_related("partnership"), pk=pk)
    if not can_change_plan_content(user, plan_import.partnership_id):
        _refuse("Only a coordinator of this partnership can import its plans.")
    return plan_import
