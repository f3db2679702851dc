"""Reads of plans, objectives and updates, always scoped to the user."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from csp.models import Group, Role
from csp.selectors import User, has_role, partnership_ids_visible_to, people_of

from ..models import Objective, Plan, QuarterlyUpdate


def plans_visible_to(user: User) -> QuerySet[Plan]:
    """Plans of the user's partnerships."""
    return Plan.objects.filter(partnership__in=partnership_ids_visible_to(user))


def objectives_visible_to(user: User) -> QuerySet[Objective]:
    """Objectives of the user's partnerships."""
    return Objective.objects.filter(plan__partnership__in=partnership_ids_visible_to(user))


def updates_visible_to(user: User) -> QuerySet[QuarterlyUpdate]:
    """Quarterly updates of the user's partnerships."""
    return QuarterlyUpdate.objects.filter(objective__plan__partnership__in=partnership_ids_visible_to(user))


def plan_get_for_user(*, user: User, pk: int) -> Plan:
    """A plan the user may see, or 404."""
    return get_object_or_404(plans_visible_to(user).select_related("partnership"), pk=pk)


def objective_get_for_user(*, user: User, pk: int) -> Objective:
    """An objective the user may see, or 404 (another partnership's object does not exist for them)."""
    return get_object_or_404(objectives_visible_to(user).select_related("plan__partnership", "section"), pk=pk)


def objectives_led_by(user: User) -> QuerySet[Objective]:
    """Objectives where the user is a named lead officer."""
    return objectives_visible_to(user).filter(leads__person__in=people_of(user)).distinct()


def is_lead_officer_of(user: User, objective: Objective) -> bool:
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
    groups = objective.lead_groups.all()
    owning = Q(pk__in=groups.values("pk"))
    if objective.plan.owning_group_id:
        owning |= Q(pk=objective.plan.owning_group_id)
    return Group.objects.filter(owning, chair__user=user).exists()


def can_review(user: User, objective: Objective) -> bool:
    """A coordinator, or a chair of a group that owns the item, may review its updates."""
    if not user.is_authenticated:
        return False
    partnership_id = objective.plan.partnership_id
    if has_role(user, partnership_id, Role.COORDINATOR):
        return True
    return has_role(user, partnership_id, Role.GROUP_CHAIR) and chairs_group_of(user, objective)
