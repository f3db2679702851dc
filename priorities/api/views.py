"""API views of priorities, indicators and their readings."""

from __future__ import annotations

from django.db.models import Prefetch

from csp.api.archive import ArchiveOnDeleteMixin
from csp.api.base import ScopedModelViewSet
from csp.selectors import EDITOR_ROLES
from priorities.models import Theme
from priorities.selectors import READING_ROLES, indicators_visible_to, priorities_visible_to, readings_visible_to

from . import filters, serializers


class PriorityViewSet(ArchiveOnDeleteMixin, ScopedModelViewSet):
    """Priorities from the strategic assessment, with their narratives and themes."""

    serializer_class = serializers.PrioritySerializer
    filterset_class = filters.PriorityFilter
    ordering_fields = ["code", "title", "position", "period_start", "updated_at"]
    ordering = ["partnership", "period_start", "position", "code"]

    def get_queryset(self):
        return priorities_visible_to(self.request.user, include_archived=self.include_archived).prefetch_related(
            "lead_agencies", Prefetch("themes", queryset=Theme.objects.order_by("position", "id"))
        )


class IndicatorViewSet(ScopedModelViewSet):
    """Performance indicators, with national indicator codes ('NI 20') where the plan gives them."""

    serializer_class = serializers.IndicatorSerializer
    filterset_class = filters.IndicatorFilter
    ordering_fields = ["code", "name", "updated_at"]
    ordering = ["partnership", "code", "name"]

    def get_queryset(self):
        return indicators_visible_to(self.request.user)


class IndicatorReadingViewSet(ScopedModelViewSet):
    """The figure of an indicator for a reporting period."""

    serializer_class = serializers.IndicatorReadingSerializer
    filterset_class = filters.IndicatorReadingFilter
    # Analysts and lead officers record figures as well as coordinators (priorities.selectors.READING_ROLES).
    # Removing a reading stays with coordinators.
    write_roles = READING_ROLES
    action_roles = {"destroy": EDITOR_ROLES}
    ordering_fields = ["period__start", "value", "updated_at"]
    ordering = ["indicator", "period__start"]

    def get_queryset(self):
        return readings_visible_to(self.request.user).select_related("indicator", "period")
