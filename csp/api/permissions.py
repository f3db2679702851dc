"""Who may write what through the API: the same role rules and access selectors as the pages.

Reads are scoped by each viewset's queryset (built on csp.selectors / plans.selectors), so another
partnership's object is a 404. Writes need a role in the object's partnership: a coordinator
writes plan content and the partnership core; other roles read only, except where a viewset
hands the write to a service that applies its own rules (lead officers' updates, reviews).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from csp.models import Role
from csp.selectors import EDITOR_ROLES, User, has_role, holds_role_anywhere


def partnership_id_of(instance: models.Model, path: str) -> int:
    """The id of the partnership an object belongs to, following `path` ('plan.partnership')."""
    if not path:
        return instance.pk
    *heads, last = path.split(".")
    obj = instance
    for head in heads:
        obj = getattr(obj, head)
    return getattr(obj, f"{last}_id")


def partnership_id_in(attrs: Mapping[str, Any], instance: models.Model | None, path: str) -> int | None:
    """The partnership a validated payload targets: the path's first step from the payload, else the instance."""
    if not path:
        return instance.pk if instance is not None else None
    head, _, rest = path.partition(".")
    if head in attrs:
        related = attrs[head]
        if related is None:
            return None
        return partnership_id_of(related, rest) if rest else related.pk
    return partnership_id_of(instance, path) if instance is not None else None


def require_role(user: User, partnership_id: int | None, roles: Iterable[str]) -> None:
    """Refuse (403) unless the user holds one of the roles in that partnership."""
    if partnership_id is None or not has_role(user, partnership_id, *roles):
        raise PermissionDenied("You do not have a role in this partnership that allows this change.")


class PartnershipRolePermission(BasePermission):
    """Reads for every member (the queryset scopes them); writes for the view's `write_roles`.

    A viewset may give per-action roles in `action_roles` (e.g. {'create': {...}}).
    """

    message = "Your role does not allow this change."

    @staticmethod
    def roles_for(view) -> frozenset[str]:
        action_roles = getattr(view, "action_roles", {})
        return frozenset(action_roles.get(getattr(view, "action", None), getattr(view, "write_roles", EDITOR_ROLES)))

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", "pk")
        if lookup in getattr(view, "kwargs", {}):
            # A write to one object: decided after the scoped lookup, so another partnership's object is
            # a 404 for every role, and only an object the user can see may answer 403.
            return True
        return holds_role_anywhere(request.user, *self.roles_for(view))

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return has_role(request.user, partnership_id_of(obj, view.partnership_path), *self.roles_for(view))


class SuperuserOnlyForCreateAndDelete(BasePermission):
    """New partnerships are set up, and removed, by an administrator only."""

    def has_permission(self, request, view) -> bool:
        if getattr(view, "action", None) == "create":
            return bool(request.user and request.user.is_superuser)
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        # Checked after the scoped lookup, so another partnership is still a 404.
        if getattr(view, "action", None) == "destroy":
            return bool(request.user and request.user.is_superuser)
        return True


ALL_ROLES = frozenset(Role.values)
