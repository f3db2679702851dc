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
    """The ids of partnerships_visible_to, as a subquery for filters."""
    return partnerships_visible_to(user).values("id")


def roles_by_partnership(user: User) -> dict[int, frozenset[str]]:
    """The user's roles in each partnership they belong to: one query, then kept on the user for the request.

    Every role decision (pages, API, admin, navigation, reports) reads this, so a request looks the
    roles up once. A membership with no role still appears (it gives sight of the partnership).
    """
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_csp_roles_by_partnership", None)
    if cached is None:
        found: dict[int, set[str]] = {}
        for partnership_id, role in Membership.objects.filter(user=user).values_list("partnership_id", "roles__role"):
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
