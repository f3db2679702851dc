"""Who may see what: the access functions every view, API and export goes through."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import (
    Agency,
    Area,
    AreaMembership,
    AreaRole,
    Group,
    Membership,
    Partnership,
    Person,
    ReportingPeriod,
    Role,
)

User = AbstractBaseUser | AnonymousUser

# Roles that may change plan content (not only their own updates).
EDITOR_ROLES = frozenset({Role.COORDINATOR})
REVIEWER_ROLES = frozenset({Role.COORDINATOR, Role.GROUP_CHAIR})
# An area analyst reads every partnership of their area and asks for its reports (reading); writes nothing.
REPORT_ROLES = frozenset({Role.COORDINATOR, Role.ANALYST, Role.GROUP_CHAIR, AreaRole.AREA_ANALYST})


def partnerships_visible_to(user: User) -> QuerySet[Partnership]:
    """Partnerships the user is a member of, or of an area where they hold an area role (all for a superuser)."""
    if not user.is_authenticated:
        return Partnership.objects.none()
    if user.is_superuser:
        return Partnership.objects.all()
    return Partnership.objects.filter(pk__in=partnership_ids_visible_to(user))


def partnership_ids_visible_to(user: User) -> list[int] | QuerySet:
    """The ids of the partnerships the user may see, for filters: the keys of `roles_by_partnership`.

    A literal list from the request's one role lookup, not a subquery: PostgreSQL cannot estimate how
    many rows "member of, or in an area of" matches (it guessed three in four partnerships at national
    scale) and then scans national tables; with the ids written out it uses the partnership indexes.
    The one definition: plans, objectives, updates, reviews, reports and the API lists all filter by it.
    A superuser sees every partnership (the ids as a lazy subquery: no query of its own).
    """
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return Partnership.objects.order_by().values_list("pk", flat=True)
    return sorted(roles_by_partnership(user))


def roles_by_partnership(user: User) -> dict[int, frozenset[str]]:
    """The user's roles in each partnership they belong to: one query, then kept on the user for the request.

    Every role decision (pages, API, admin, navigation, reports) reads this, so a request looks the
    roles up once. A membership with no role still appears (it gives sight of the partnership). An
    area role appears as a role in each partnership of the area (`AreaRole.AREA_ANALYST`), from the
    same query.
    """
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_csp_roles_by_partnership", None)
    if cached is None:
        found: dict[int, set[str]] = {}
        # order_by(): no model ordering inside the UNION (SQLite, the `make run` database, refuses it).
        held = Membership.objects.filter(user=user).order_by().values_list("partnership_id", "roles__role")
        through_areas = (
            Partnership.objects.filter(area__memberships__user=user)
            .order_by()
            .values_list("pk", "area__memberships__role")
        )
        for partnership_id, role in held.union(through_areas, all=True):
            found.setdefault(partnership_id, set())
            if role:
                found[partnership_id].add(role)
        cached = {pk: frozenset(roles) for pk, roles in found.items()}
        user._csp_roles_by_partnership = cached
    return cached


def roles_of(user: User, partnership: Partnership | int) -> frozenset[str]:
    """The roles the user holds in one partnership; a superuser holds every role."""
    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return frozenset(Role.values)
    partnership_id = partnership if isinstance(partnership, int) else partnership.pk
    return roles_by_partnership(user).get(partnership_id, frozenset())


def has_role(user: User, partnership: Partnership | int, *roles: str) -> bool:
    """The user holds one of `roles` in that partnership."""
    return bool(roles_of(user, partnership) & set(roles))


def roles_anywhere(user: User) -> frozenset[str]:
    """Every role the user holds in any partnership (all roles for a superuser): what the navigation offers."""
    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return frozenset(Role.values)
    return frozenset().union(*roles_by_partnership(user).values())


def landing_url(user: User) -> str:
    """Where signing in lands: My items for a user who is only a lead officer, the home page for everyone else."""
    from django.conf import settings
    from django.urls import reverse

    if roles_anywhere(user) == {Role.LEAD_OFFICER}:
        return reverse("plans:my_items")
    return reverse(settings.LOGIN_REDIRECT_URL)


def areas_visible_to(user: User) -> QuerySet[Area]:
    """Areas the user holds an area role in (every area for a superuser); a partnership's members see none."""
    if not user.is_authenticated:
        return Area.objects.none()
    if user.is_superuser:
        return Area.objects.all()
    return Area.objects.filter(pk__in=AreaMembership.objects.filter(user=user).values("area_id"))


def access_area(user: User, slug: str) -> Area:
    """An area the user holds an area role in (else 404, as for an area that does not exist)."""
    return get_object_or_404(areas_visible_to(user), slug=slug)


def holds_role_anywhere(user: User, *roles: str) -> bool:
    """The user holds one of `roles` in at least one partnership."""
    return bool(roles_anywhere(user) & set(roles))


def partnership_ids_with_role(user: User, *roles: str) -> list[int]:
    """Ids of the partnerships where the user holds one of `roles` (every partnership for a superuser)."""
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return list(Partnership.objects.values_list("pk", flat=True))
    return sorted(pk for pk, held in roles_by_partnership(user).items() if held & set(roles))


def coordinated_partnership_ids(user: User) -> list[int]:
    """Ids of the partnerships the user coordinates: the admin's scope, the reminders page's scope."""
    return partnership_ids_with_role(user, Role.COORDINATOR)


def people_of(user: User) -> QuerySet[Person]:
    """The plan people (lead officers, chairs) this user is linked to."""
    if not user.is_authenticated:
        return Person.objects.none()
    return Person.objects.filter(user=user)


def agencies_visible_to(user: User) -> QuerySet[Agency]:
    return Agency.objects.filter(partnership__in=partnership_ids_visible_to(user))


def groups_visible_to(user: User) -> QuerySet[Group]:
    return Group.objects.filter(partnership__in=partnership_ids_visible_to(user))


def people_visible_to(user: User, *, include_archived: bool = False) -> QuerySet[Person]:
    """People of the user's partnerships (archived ones only when asked: detail lookups, restore)."""
    people = Person.objects.filter(partnership__in=partnership_ids_visible_to(user))
    return people if include_archived else people.filter(archived_at__isnull=True)


def reporting_periods_visible_to(user: User) -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.filter(partnership__in=partnership_ids_visible_to(user))


def memberships_visible_to(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(partnership__in=partnership_ids_visible_to(user))


def users_with_role(partnership_id: int, *roles: str) -> QuerySet:
    """Active users holding one of `roles` in the partnership: whom to tell about its events."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, memberships__partnership_id=partnership_id, memberships__roles__role__in=roles)
        .distinct()
    )
