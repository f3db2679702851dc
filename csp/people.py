"""People and roles of a partnership: invitations, role grants, removal and deactivation (issue 11, point 3).

Writes are services here (csp/services.py is a module, so they live beside it rather than in a
services package); the reads a coordinator's pages and the API need are the selectors at the end.
Every write is atomic and recorded in the history (Membership, MembershipRole, Person, Group keep
it), naming who made it. Nobody is made an operator here: is_staff, is_superuser and passwords of
others are never set; a new user gets an unusable password and chooses one from the invitation link.

"Chair of a named group" has one definition (plans.selectors.access.can_review / chairs_group_of):
the group_chair role in the partnership *and* the group's chair is the member's person. Granting
it therefore sets `Group.chair` to the member's person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

from .models import Agency, Area, AreaMembership, AreaRole, Group, Membership, MembershipRole, Partnership, Person, Role
from .selectors import User, coordinated_partnership_ids, has_role, partnerships_visible_to
from .services import COORDINATORS_GROUP

ROLES_NEEDING_PERSON = frozenset({Role.LEAD_OFFICER, Role.GROUP_CHAIR})


class InviteTokenGenerator(PasswordResetTokenGenerator):
    """Set-password links of invitations: their own salt (a reset link is no invitation) and CSP_INVITE_DAYS.

    Like a reset link, it stops working once used: the token covers the password hash and last sign-in.
    """

    key_salt = "csp.people.InviteTokenGenerator"

    def check_token(self, user, token):
        if not super_check_signature(self, user, token):
            return False
        timestamp = base36_to_int(token.split("-")[0])
        return self._num_seconds(self._now()) - timestamp <= settings.CSP_INVITE_DAYS * 24 * 3600


def super_check_signature(generator: PasswordResetTokenGenerator, user, token: str) -> bool:
    """The token is well formed and signed for this user's current state (Django's check without its timeout)."""
    if not (user and token):
        return False
    try:
        ts_b36, _ = token.split("-")
        timestamp = base36_to_int(ts_b36)
    except ValueError:
        return False
    return any(
        constant_time_compare(generator._make_token_with_timestamp(user, timestamp, secret), token)
        for secret in [generator.secret, *generator.secret_fallbacks]
    )


invite_token_generator = InviteTokenGenerator()


class InviteStatus:
    INVITED = "invited"
    ACTIVE = "active"
    DEACTIVATED = "deactivated"
    LABELS = {INVITED: "Invited", ACTIVE: "Active", DEACTIVATED: "Deactivated"}


def invite_status(user) -> str:
    """Invited (no password chosen yet), active, or deactivated."""
    if not user.is_active:
        return InviteStatus.DEACTIVATED
    if not user.has_usable_password():
        return InviteStatus.INVITED
    return InviteStatus.ACTIVE


def is_operator(user) -> bool:
    """An operator of the service: a superuser, or staff for another reason than coordinating (the admin's own)."""
    if user.is_superuser:
        return True
    return user.is_staff and not user.groups.filter(name=COORDINATORS_GROUP).exists()


class CommandLineOperator:
    """Who acts when an operator runs a manage.py command without naming a user: an operator, with no user row.

    The history then records no user (history_user is empty) and says which command made the change.
    """

    is_authenticated = True
    is_superuser = True
    is_staff = True
    pk = None

    def __init__(self, command: str):
        self.command = command


def _history_user(by):
    return None if isinstance(by, CommandLineOperator) else by


def _stamp(instance, by) -> None:
    """Name who made a change in the row's history (the request middleware does not see API tokens or commands)."""
    instance._history_user = _history_user(by)
    if isinstance(by, CommandLineOperator) and not getattr(instance, "_change_reason", ""):
        instance._change_reason = f"manage.py {by.command}"


# Validation shared by the pages, the API and the command


def _require_coordinator(by: User, partnership: Partnership) -> None:
    if not has_role(by, partnership.pk, Role.COORDINATOR):
        raise PermissionDenied("Only a coordinator of this partnership can change its people and roles.")


def _clean_roles(roles: Iterable[str]) -> list[str]:
    roles = list(dict.fromkeys(roles))
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ValidationError({"roles": [f"Not a role: {', '.join(unknown)}. Choose from {', '.join(Role.values)}."]})
    return roles


def _check_links(
    *,
    partnership: Partnership,
    roles: list[str],
    person: Person | None,
    group: Group | None,
    agency: Agency | None,
    user=None,
) -> None:
    errors: dict[str, list[str]] = {}
    if person is not None and (person.partnership_id != partnership.pk or person.is_archived):
        errors["person"] = ["Choose a person of this partnership."]
    elif person is not None and person.user_id is not None and (user is None or person.user_id != user.pk):
        errors["person"] = [f"{person.name} is already linked to another user."]
    if group is not None and group.partnership_id != partnership.pk:
        errors["group"] = ["Choose a group of this partnership."]
    if agency is not None and agency.partnership_id != partnership.pk:
        errors["agency"] = ["Choose an agency of this partnership."]
    if Role.LEAD_OFFICER in roles and person is None and "person" not in errors:
        errors["person"] = ["A lead officer must be linked to a person named in the plan: choose the person."]
    if Role.GROUP_CHAIR in roles:
        if group is None and "group" not in errors:
            errors["group"] = ["A group chair chairs a named group: choose the group."]
        if person is None and "person" not in errors:
            errors["person"] = ["A group's chair is a person of the partnership: choose the person."]
    elif group is not None and "group" not in errors:
        errors["group"] = ["A group is only chosen for the group chair role."]
    if errors:
        raise ValidationError(errors)


def _split_name(name: str) -> tuple[str, str]:
    first, _, last = name.strip().partition(" ")
    return first[:150], last.strip()[:150]


# Writes


def _grant(membership: Membership, role: str, by: User) -> None:
    grant = MembershipRole(membership=membership, role=role)
    _stamp(grant, by)
    grant.save()


def _revoke(grant: MembershipRole, by: User) -> None:
    _stamp(grant, by)
    grant.delete()


def _link_person(membership: Membership, person: Person | None, by: User) -> None:
    """Point the membership (and the person's login) at `person`, unlinking the one it had."""
    previous = membership.person
    if previous is not None and (person is None or previous.pk != person.pk) and previous.user_id == membership.user_id:
        previous.user = None
        _stamp(previous, by)
        previous.save(update_fields=["user", "updated_at"])
    if person is not None and person.user_id != membership.user_id:
        person.user = membership.user
        _stamp(person, by)
        person.save(update_fields=["user", "updated_at"])
    membership.person = person


def _make_chair(group: Group, person: Person, by: User) -> None:
    if group.chair_id != person.pk:
        group.chair = person
        _stamp(group, by)
        group.save(update_fields=["chair", "updated_at"])


def _save_membership(membership: Membership, by: User, reason: str = "") -> None:
    if reason:
        membership._change_reason = reason
    _stamp(membership, by)
    membership.save()


def _queue_invitation(membership: Membership, by: User) -> None:
    from .tasks import send_invitation_email

    transaction.on_commit(
        partial(send_invitation_email.delay, membership_id=membership.pk, sent_by_id=getattr(by, "pk", None))
    )


@dataclass(frozen=True)
class Invitation:
    membership: Membership
    created_user: bool
    invited: bool


@transaction.atomic
def user_invite(
    *,
    partnership: Partnership,
    email: str,
    name: str,
    roles: Iterable[str],
    by: User,
    person: Person | None = None,
    group: Group | None = None,
    agency: Agency | None = None,
    send_invitation: bool = True,
) -> Invitation:
    """Add someone to a partnership with roles, making their account if they have none, and e-mail them.

    An existing user (same e-mail) gets a new membership. A new user gets an unusable password and an
    e-mail with a set-password link valid for CSP_INVITE_DAYS; an existing one is told of the new
    membership. The e-mail leaves on commit, through the e-mail queue.
    """
    _require_coordinator(by, partnership)
    email = (email or "").strip().lower()
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Enter an e-mail address in the right format, like name@example.org"]
    if not name:
        errors["name"] = ["Enter the person's full name"]
    elif len(name) > 150:
        errors["name"] = ["The name must be 150 characters or fewer"]
    if errors:
        raise ValidationError(errors)
    roles = _clean_roles(roles)
    model = get_user_model()
    matches = list(model.objects.select_for_update().filter(Q(email__iexact=email) | Q(username__iexact=email))[:2])
    if len(matches) > 1:
        raise ValidationError({"email": ["More than one account has this e-mail address: ask an operator."]})
    user = matches[0] if matches else None
    if user is not None:
        if is_operator(user) and not by.is_superuser:
            raise ValidationError({"email": ["This is an operator's account: only an operator can add it."]})
        if Membership.objects.filter(user=user, partnership=partnership).exists():
            raise ValidationError({"email": ["This person is already a member of this partnership."]})
        if not user.is_active:
            raise ValidationError({"email": ["This account is deactivated: ask an operator to reactivate it."]})
    _check_links(partnership=partnership, roles=roles, person=person, group=group, agency=agency, user=user)
    created = user is None
    if created:
        first, last = _split_name(name)
        user = model(username=email, email=email, first_name=first, last_name=last)
        user.set_unusable_password()
        user.save()
    membership = Membership(user=user, partnership=partnership, agency=agency or (person.agency if person else None))
    _save_membership(membership, by, reason="Invited")
    _link_person(membership, person, by)
    if person is not None:
        _save_membership(membership, by)
    for role in roles:
        _grant(membership, role, by)
    if group is not None and person is not None:
        _make_chair(group, person, by)
    if send_invitation:
        _queue_invitation(membership, by)
    return Invitation(membership=membership, created_user=created, invited=send_invitation)


@dataclass(frozen=True)
class AreaGrant:
    area_membership: AreaMembership
    created_user: bool


@transaction.atomic
def area_member_add(*, area: Area, email: str, name: str, role: str, by: User) -> AreaGrant:
    """Give someone (an account made if none has the e-mail) an area role: operators only, as areas are theirs.

    An area role reads every partnership of the area and writes nothing. No invitation e-mail goes: a new
    account has an unusable password until the operator sends it a password reset.
    """
    if not by.is_superuser:
        raise PermissionDenied("Only the service's operators can give area roles.")
    if role not in AreaRole.values:
        raise ValidationError({"role": [f"Not an area role: {role}. Choose from {', '.join(AreaRole.values)}."]})
    email = (email or "").strip().lower()
    name = (name or "").strip()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError(
            {"email": ["Enter an e-mail address in the right format, like name@example.org"]}
        ) from error
    if not name:
        raise ValidationError({"name": ["Enter the person's full name"]})
    model = get_user_model()
    matches = list(model.objects.select_for_update().filter(Q(email__iexact=email) | Q(username__iexact=email))[:2])
    if len(matches) > 1:
        raise ValidationError({"email": ["More than one account has this e-mail address."]})
    user = matches[0] if matches else None
    if user is not None and not user.is_active:
        raise ValidationError({"email": ["This account is deactivated: reactivate it first."]})
    if user is not None and AreaMembership.objects.filter(user=user, area=area, role=role).exists():
        raise ValidationError({"email": ["This person already holds this role in this area."]})
    created = user is None
    if created:
        first, last = _split_name(name)
        user = model(username=email, email=email, first_name=first, last_name=last)
        user.set_unusable_password()
        user.save()
    grant = AreaMembership(user=user, area=area, role=role)
    _stamp(grant, by)
    grant.save()
    return AreaGrant(area_membership=grant, created_user=created)


def _locked_membership(membership: Membership) -> Membership:
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "person", "partnership")
        .get(pk=membership.pk)
    )


def _require_may_manage(by: User, membership: Membership) -> None:
    _require_coordinator(by, membership.partnership)
    if is_operator(membership.user) and not by.is_superuser:
        raise PermissionDenied("This is an operator's account: only an operator can change it.")


@transaction.atomic
def roles_set(
    *,
    membership: Membership,
    roles: Iterable[str],
    by: User,
    person: Person | None = None,
    group: Group | None = None,
    agency: Agency | None = None,
) -> Membership:
    """Give a member exactly these roles, person, chaired group and agency; grants and removals go in the history."""
    membership = _locked_membership(membership)
    _require_may_manage(by, membership)
    roles = _clean_roles(roles)
    _check_links(
        partnership=membership.partnership,
        roles=roles,
        person=person,
        group=group,
        agency=agency,
        user=membership.user,
    )
    if membership.user_id == getattr(by, "pk", None) and Role.COORDINATOR not in roles and not by.is_superuser:
        raise ValidationError({"roles": ["You cannot take the coordinator role from yourself."]})
    _link_person(membership, person, by)
    membership.agency = agency
    _save_membership(membership, by)
    held = {grant.role: grant for grant in membership.roles.all()}
    for role, grant in held.items():
        if role not in roles:
            _revoke(grant, by)
    for role in roles:
        if role not in held:
            _grant(membership, role, by)
    if group is not None and person is not None:
        _make_chair(group, person, by)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User, reason: str = "Removed") -> None:
    """Take someone out of a partnership: roles and membership go (kept in the history), their person is unlinked."""
    membership = _locked_membership(membership)
    _require_may_manage(by, membership)
    if membership.user_id == getattr(by, "pk", None):
        raise ValidationError("You cannot remove yourself from the partnership.")
    for grant in membership.roles.all():
        grant._change_reason = reason
        _revoke(grant, by)
    _link_person(membership, None, by)
    Person.objects.filter(partnership=membership.partnership, user=membership.user).update(user=None)
    membership._change_reason = reason
    _stamp(membership, by)
    membership.delete()


@dataclass(frozen=True)
class Deactivation:
    deactivated: bool  # False: the user belongs to another partnership too, so only this membership was removed


@transaction.atomic
def user_deactivate(*, membership: Membership, by: User) -> Deactivation:
    """Stop someone signing in if `by` coordinates every partnership they belong to; else remove this membership.

    The account is kept (its history names it); its API tokens are revoked (csp.tokens). Each of
    its memberships records the deactivation in its history.
    """
    membership = _locked_membership(membership)
    _require_may_manage(by, membership)
    user = membership.user
    if user.pk == getattr(by, "pk", None):
        raise ValidationError("You cannot deactivate your own account.")
    mine = set(coordinated_partnership_ids(by))
    theirs = list(Membership.objects.filter(user=user).select_for_update())
    if not by.is_superuser and any(m.partnership_id not in mine for m in theirs):
        membership_remove(membership=membership, by=by, reason="Removed (account kept: member elsewhere)")
        return Deactivation(deactivated=False)
    model = get_user_model()
    locked_user = model.objects.select_for_update().get(pk=user.pk)
    locked_user.is_active = False
    locked_user.save(update_fields=["is_active"])
    for each in theirs:
        _save_membership(each, by, reason="Account deactivated")
    return Deactivation(deactivated=True)


def invitation_resend(*, membership: Membership, by: User) -> None:
    """E-mail the invitation again (a fresh link) to someone who has not chosen a password yet."""
    _require_may_manage(by, membership)
    if invite_status(membership.user) != InviteStatus.INVITED:
        raise ValidationError("This person has already chosen a password; they can reset it from the sign-in page.")
    with transaction.atomic():
        _queue_invitation(membership, by)


# Reads


def partnership_for_people(*, user: User, pk: int) -> Partnership:
    """A partnership whose people the user may manage: 404 if not theirs, 403 for a member who is not coordinator."""
    from django.shortcuts import get_object_or_404

    partnership = get_object_or_404(partnerships_visible_to(user), pk=pk)
    _require_coordinator(user, partnership)
    return partnership


def memberships_of_partnership(*, partnership: Partnership, role: str | None = None) -> QuerySet[Membership]:
    """The partnership's members with user, person, agency and roles loaded (a constant number of queries)."""
    members = (
        Membership.objects.filter(partnership=partnership)
        .select_related("user", "person", "agency")
        .prefetch_related(Prefetch("roles", queryset=MembershipRole.objects.order_by("role")))
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    if role:
        members = members.filter(roles__role=role)
    return members


def membership_in_partnership(*, partnership: Partnership, pk: int) -> Membership:
    """One member of the partnership, or 404."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(memberships_of_partnership(partnership=partnership), pk=pk)


def managed_memberships_visible_to(user: User) -> QuerySet[Membership]:
    """Memberships of the partnerships the user coordinates (every one for a superuser): the API's users."""
    if not user.is_authenticated:
        return Membership.objects.none()
    members = Membership.objects.select_related("user", "person", "agency", "partnership").prefetch_related(
        Prefetch("roles", queryset=MembershipRole.objects.order_by("role"))
    )
    if user.is_superuser:
        return members
    return members.filter(partnership_id__in=coordinated_partnership_ids(user))


def users_managed_by(user: User) -> QuerySet:
    """Accounts with a membership in a partnership the user coordinates, each with those memberships only."""
    model = get_user_model()
    if not user.is_authenticated:
        return model.objects.none()
    if user.is_superuser:
        managed = Membership.objects.all()
    else:
        managed = Membership.objects.filter(partnership_id__in=coordinated_partnership_ids(user))
    return (
        model.objects.filter(pk__in=managed.values("user_id"))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=managed.prefetch_related(Prefetch("roles", queryset=MembershipRole.objects.order_by("role"))),
                to_attr="managed_memberships",
            )
        )
        .order_by("last_name", "first_name", "username")
    )


def groups_chaired(*, membership: Membership) -> list[Group]:
    """The groups of the partnership whose chair is this member's person."""
    if membership.person_id is None:
        return []
    return list(Group.objects.filter(partnership_id=membership.partnership_id, chair_id=membership.person_id))
