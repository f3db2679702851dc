"""Who may see what: the access functions every view, API and export goes through."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from .models import Agency, Group, Membership, Partnership, Person, ReportingPeriod, Role

User = AbstractBaseUser | AnonymousUser

# Roles that may change plan content (not only their own updates).
EDITOR_ROLES = frozenset({Role.COORDINATOR})
REVIEWER_ROLES = frozenset({Role.COORDINATOR, Role.GROUP_CHAIR})
REPORT_ROLES = frozenset({Role.COORDINATOR, Role.ANALYST, Role.GROUP_CHAIR})


def partnerships_visible_to(user: User) -> QuerySet[Partnership]:
    """Partnerships the user is a member of (all of them for a superuser)."""
    if not user.is_authenticated:
        return Partnership.objects.none()
    if user.is_superuser:
        return Partnership.objects.all()
    return Partnership.objects.filter(memberships__user=user).distinct()


def partnership_ids_visible_to(user: User) -> QuerySet:
    return partnerships_visible_to(user).values("id")


def roles_of(user: User, partnership: Partnership | int) -> frozenset[str]:
    """The roles the user holds in one partnership; a superuser holds every role."""
    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return frozenset(Role.values)
    partnership_id = partnership if isinstance(partnership, int) else partnership.pk
    cache = getattr(user, "_csp_roles_cache", None)
    if cache is None:
        cache = {}
        for membership in Membership.objects.filter(user=user).prefetch_related("roles"):
            cache[membership.partnership_id] = frozenset(r.role for r in membership.roles.all())
        user._csp_roles_cache = cache
    return cache.get(partnership_id, frozenset())


def has_role(user: User, partnership: Partnership | int, *roles: str) -> bool:
    return bool(roles_of(user, partnership) & set(roles))


def people_of(user: User) -> QuerySet[Person]:
    """The plan people (lead officers, chairs) this user is linked to."""
    if not user.is_authenticated:
        return Person.objects.none()
    return Person.objects.filter(user=user)


def agencies_visible_to(user: User) -> QuerySet[Agency]:
    return Agency.objects.filter(partnership__in=partnership_ids_visible_to(user))


def groups_visible_to(user: User) -> QuerySet[Group]:
    return Group.objects.filter(partnership__in=partnership_ids_visible_to(user))


def people_visible_to(user: User) -> QuerySet[Person]:
    return Person.objects.filter(partnership__in=partnership_ids_visible_to(user))


def reporting_periods_visible_to(user: User) -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.filter(partnership__in=partnership_ids_visible_to(user))


def memberships_visible_to(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(partnership__in=partnership_ids_visible_to(user))
