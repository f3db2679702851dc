"""API views of the partnership core: partnerships, agencies, groups, people, reporting periods."""

from __future__ import annotations

from django.db import transaction
from rest_framework.permissions import IsAuthenticated

from csp.selectors import (
    agencies_visible_to,
    groups_visible_to,
    partnerships_visible_to,
    people_visible_to,
    reporting_periods_visible_to,
)

from . import filters, serializers
from .archive import ArchiveOnDeleteMixin
from .base import ScopedModelViewSet
from .permissions import PartnershipRolePermission, SuperuserOnlyForCreateAndDelete


class PartnershipViewSet(ScopedModelViewSet):
    """Partnerships you are a member of. An administrator sets up a new one; its coordinator edits it."""

    serializer_class = serializers.PartnershipSerializer
    permission_classes = [IsAuthenticated, SuperuserOnlyForCreateAndDelete, PartnershipRolePermission]
    ordering_fields = ["name", "slug", "updated_at"]
    ordering = ["name"]
    filterset_fields = ["slug"]

    def get_queryset(self):
        return partnerships_visible_to(self.request.user).order_by("name")

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()
        self.refetch(serializer)


class AgencyViewSet(ScopedModelViewSet):
    """Agencies of your partnerships: police, council, fire and rescue, health, probation..."""

    serializer_class = serializers.AgencySerializer
    filterset_class = filters.AgencyFilter
    ordering_fields = ["name", "short_name", "kind", "updated_at"]
    ordering = ["partnership", "name"]

    def get_queryset(self):
        return agencies_visible_to(self.request.user)


class PersonViewSet(ArchiveOnDeleteMixin, ScopedModelViewSet):
    """People named in your partnerships' plans: lead officers, chairs, with their job titles."""

    serializer_class = serializers.PersonSerializer
    filterset_class = filters.PersonFilter
    ordering_fields = ["name", "job_title", "updated_at"]
    ordering = ["partnership", "name"]

    def get_queryset(self):
        return people_visible_to(self.request.user, include_archived=self.include_archived)


class GroupViewSet(ScopedModelViewSet):
    """Partnership groups: ODG, JAG, MATT, the board, thematic groups."""

    serializer_class = serializers.GroupSerializer
    filterset_class = filters.GroupFilter
    ordering_fields = ["name", "kind", "next_meeting", "updated_at"]
    ordering = ["partnership", "name"]

    def get_queryset(self):
        return groups_visible_to(self.request.user)


class ReportingPeriodViewSet(ScopedModelViewSet):
    """Quarters, half-years and financial years of your partnerships."""

    serializer_class = serializers.ReportingPeriodSerializer
    filterset_class = filters.ReportingPeriodFilter
    ordering_fields = ["start", "end", "financial_year", "number"]
    ordering = ["partnership", "start", "kind"]

    def get_queryset(self):
        return reporting_periods_visible_to(self.request.user)
