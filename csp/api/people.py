"""API of people and roles: provision members of a partnership for partner systems (coordinators only).

`/api/users/`: the accounts in the partnerships you coordinate (find one by e-mail, see its
invitation status and memberships); POST provisions one, as POST /api/memberships/ does.

`/api/memberships/`: one entry per user per partnership. Creating one provisions the user (or
reuses the account with that e-mail), the membership and its roles, and e-mails the invitation
(no password goes through the API); PATCH sets roles, person, chaired group and agency; DELETE
removes the membership; `deactivate` and `resend-invitation` are actions. Every write is a
service of csp/people.py, so the rules and the history are the pages' own.
"""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from csp.models import Agency, Group, Membership, Person, Role
from csp.people import (
    InviteStatus,
    invitation_resend,
    invite_status,
    managed_memberships_visible_to,
    membership_remove,
    roles_set,
    user_deactivate,
    user_invite,
    users_managed_by,
)
from csp.selectors import agencies_visible_to, groups_visible_to, holds_role_anywhere, people_visible_to

from .base import AUTHENTICATION_CLASSES, ID_PATTERN, ApiPagination, VisibleRelatedField, api_exception_handler
from .concurrency import ETagMixin, ETagReadMixin
from .filters import id_filter
from .serializers import partnership_field

STATUS_CHOICES = [(value, label) for value, label in InviteStatus.LABELS.items()]


class CoordinatorsOnly(BasePermission):
    """People and roles are a coordinator's business: anyone else gets 403 (an object of theirs is still 404)."""

    message = "Only coordinators manage people and roles."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user and user.is_authenticated and (user.is_superuser or holds_role_anywhere(user, Role.COORDINATOR))
        )


class RolesField(serializers.ListField):
    """The roles to hold (a list of role names); read back from the membership's grants, sorted."""

    child = serializers.ChoiceField(choices=Role.choices)

    def to_representation(self, grants):
        return sorted(grant.role for grant in grants.all())


class MembershipSerializer(serializers.Serializer):
    """A member of a partnership: their account, roles, linked person, chaired groups and invitation status."""

    id = serializers.IntegerField(read_only=True)
    partnership = partnership_field()
    user = serializers.IntegerField(source="user_id", read_only=True)
    email = serializers.EmailField(source="user.email", max_length=254)
    name = serializers.CharField(source="user.get_full_name", max_length=150)
    username = serializers.CharField(source="user.username", read_only=True)
    roles = RolesField(
        allow_empty=True,
        help_text="Exactly the roles to hold; a lead officer needs `person`, a group chair `person` and `group`.",
    )
    person = VisibleRelatedField(
        selector=people_visible_to, queryset=Person.objects.all(), allow_null=True, required=False
    )
    group = VisibleRelatedField(
        selector=groups_visible_to,
        queryset=Group.objects.all(),
        allow_null=True,
        required=False,
        write_only=True,
        help_text="The group to chair (with the group_chair role): its chair becomes `person`.",
    )
    chaired_groups = serializers.SerializerMethodField(help_text="Groups whose chair is this member's person.")
    agency = VisibleRelatedField(
        selector=agencies_visible_to, queryset=Agency.objects.all(), allow_null=True, required=False
    )
    send_invitation = serializers.BooleanField(
        write_only=True, required=False, default=True, help_text="E-mail the invitation (default true)."
    )
    invite_status = serializers.SerializerMethodField()
    is_active = serializers.BooleanField(source="user.is_active", read_only=True)
    last_login = serializers.DateTimeField(source="user.last_login", read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def get_chaired_groups(self, membership) -> list[int]:
        if membership.person is None:
            return []
        return sorted(group.pk for group in membership.person.chaired_groups.all())

    @extend_schema_field(serializers.ChoiceField(choices=STATUS_CHOICES))
    def get_invite_status(self, membership) -> str:
        return invite_status(membership.user)


class MembershipUpdateSerializer(MembershipSerializer):
    """What a change may send: roles, person, group, agency (the account's e-mail and name are the user's own)."""

    partnership = serializers.IntegerField(source="partnership_id", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)
    roles = RolesField(allow_empty=True, required=False)
    send_invitation = None


class ManagedMembershipSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    partnership = serializers.IntegerField(source="partnership_id", read_only=True)
    roles = RolesField(read_only=True)


class UserSerializer(serializers.Serializer):
    """An account, with its memberships in the partnerships you coordinate (others are not shown)."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
    name = serializers.CharField(source="get_full_name", read_only=True)
    is_active = serializers.BooleanField(read_only=True)
    last_login = serializers.DateTimeField(read_only=True, allow_null=True)
    invite_status = serializers.SerializerMethodField()
    memberships = ManagedMembershipSerializer(source="managed_memberships", many=True, read_only=True)

    @extend_schema_field(serializers.ChoiceField(choices=STATUS_CHOICES))
    def get_invite_status(self, user) -> str:
        return invite_status(user)


def _filter_by_status(queryset, value: str, prefix: str = ""):
    # An unusable password is stored starting with '!': the member has not chosen one yet.
    invited = Q(**{f"{prefix}password__startswith": "!"})
    active = Q(**{f"{prefix}is_active": True})
    if value == InviteStatus.DEACTIVATED:
        return queryset.filter(~active)
    if value == InviteStatus.INVITED:
        return queryset.filter(invited, active)
    return queryset.filter(~invited, active)


class UserFilter(django_filters.FilterSet):
    partnership = id_filter("memberships__partnership", "Partnership id")
    invite_status = django_filters.ChoiceFilter(
        method="filter_status", choices=STATUS_CHOICES, label="Invitation status"
    )
    email = django_filters.CharFilter(field_name="email", lookup_expr="iexact", label="E-mail address (exact)")

    class Meta:
        model = get_user_model()
        fields = ["partnership", "invite_status", "email"]

    def filter_status(self, queryset, name, value):
        return _filter_by_status(queryset, value)


class MembershipFilter(django_filters.FilterSet):
    partnership = id_filter("partnership", "Partnership id")
    role = django_filters.ChoiceFilter(field_name="roles__role", choices=Role.choices, distinct=True, label="Role held")
    invite_status = django_filters.ChoiceFilter(
        method="filter_status", choices=STATUS_CHOICES, label="Invitation status"
    )
    email = django_filters.CharFilter(field_name="user__email", lookup_expr="iexact", label="E-mail address (exact)")

    class Meta:
        model = Membership
        fields = ["partnership", "role", "invite_status", "email"]

    def filter_status(self, queryset, name, value):
        return _filter_by_status(queryset, value, prefix="user__")


def _provision(request, serializer) -> Membership:
    """Create a membership (and the account if new) from a validated MembershipSerializer."""
    data = serializer.validated_data
    return user_invite(
        partnership=data["partnership"],
        email=data["user"]["email"],
        name=data["user"]["get_full_name"],
        roles=data["roles"],
        person=data.get("person"),
        group=data.get("group"),
        agency=data.get("agency"),
        send_invitation=data.get("send_invitation", True),
        by=request.user,
    ).membership


class UserViewSet(
    ETagReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Accounts in the partnerships you coordinate. Creating one provisions the user with a membership and roles.

    Roles, person, group and agency change through `/api/memberships/{id}/`; a user's memberships in
    partnerships you do not coordinate are not shown.
    """

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated, CoordinatorsOnly]
    pagination_class = ApiPagination
    lookup_value_regex = ID_PATTERN
    serializer_class = UserSerializer
    filterset_class = UserFilter
    ordering_fields = ["username", "email", "last_login", "date_joined"]
    ordering = ["last_name", "first_name", "username"]
    http_method_names = ["get", "post", "head", "options"]

    def get_exception_handler(self):
        return api_exception_handler

    def get_serializer_class(self):
        return MembershipSerializer if self.action == "create" else UserSerializer

    def get_queryset(self):
        return users_managed_by(self.request.user)

    @extend_schema(request=MembershipSerializer, responses={201: UserSerializer})
    def create(self, request, *args, **kwargs):
        serializer = MembershipSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        membership = _provision(request, serializer)
        user = self.get_queryset().get(pk=membership.user_id)
        return self.with_etag(Response(UserSerializer(user).data, status=status.HTTP_201_CREATED))


class MembershipViewSet(
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Members of the partnerships you coordinate: provision, change roles, remove, deactivate."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated, CoordinatorsOnly]
    pagination_class = ApiPagination
    lookup_value_regex = ID_PATTERN
    filterset_class = MembershipFilter
    ordering_fields = ["created_at", "updated_at", "user__email", "user__last_name"]
    ordering = ["partnership", "user__last_name", "user__first_name", "id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_exception_handler(self):
        return api_exception_handler

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return MembershipUpdateSerializer
        return MembershipSerializer

    def get_queryset(self):
        return managed_memberships_visible_to(self.request.user).prefetch_related(
            Prefetch("person__chaired_groups", queryset=Group.objects.order_by("pk"))
        )

    def _refetched(self, membership) -> Membership:
        return self.get_queryset().get(pk=membership.pk)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        output = self.get_serializer(self._refetched(_provision(request, serializer)))
        return self.with_etag(Response(output.data, status=status.HTTP_201_CREATED))

    def perform_update(self, serializer):
        membership = serializer.instance
        data = serializer.validated_data
        chaired = membership.person.chaired_groups.first() if membership.person else None
        roles_set(
            membership=membership,
            roles=data.get("roles", sorted(membership.role_set)),
            person=data.get("person", membership.person),
            group=data.get("group", chaired if Role.GROUP_CHAIR in data.get("roles", membership.role_set) else None),
            agency=data.get("agency", membership.agency),
            by=self.request.user,
        )
        serializer.instance = self._refetched(membership)

    def perform_destroy(self, instance):
        membership_remove(membership=instance, by=self.request.user)

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "DeactivationResult",
            {
                "deactivated": serializers.BooleanField(
                    help_text="True: the account can no longer sign in. False: the user belongs to a partnership "
                    "you do not coordinate, so only this membership was removed."
                )
            },
        ),
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Deactivate the account, or only remove this membership if the user belongs elsewhere too."""
        result = user_deactivate(membership=self.get_object(), by=request.user)
        return Response({"deactivated": result.deactivated})

    @extend_schema(
        request=None, responses={202: inline_serializer("InvitationResent", {"detail": serializers.CharField()})}
    )
    @action(detail=True, methods=["post"], url_path="resend-invitation")
    def resend_invitation(self, request, pk=None):
        """E-mail the invitation again with a fresh link (only before the member has chosen a password)."""
        invitation_resend(membership=self.get_object(), by=request.user)
        return Response({"detail": "The invitation is on its way."}, status=status.HTTP_202_ACCEPTED)
