"""DELETE archives: the API's side of 'nothing is hard-deleted by a partnership's users'.

A viewset with `ArchiveOnDeleteMixin` answers DELETE by archiving the object (with an optional
`reason`), leaves archived rows out of its list, still shows them by id, and refuses changes to an
archived object until a coordinator restores it. `ArchivedFieldsMixin` adds the read-only
`archived`, `archived_at`, `archived_by` and `archive_reason` fields to a serializer.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from csp.services import record_archive

from .base import Conflict
from .concurrency import IF_MATCH

REASON_MAX_LENGTH = 2000

ARCHIVE_REASON = OpenApiParameter(
    "reason", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False, description="Why it is archived (kept)."
)


class ArchivedFieldsMixin:
    """Read-only archive fields on a model serializer of an archivable model."""

    def get_fields(self):
        fields = super().get_fields()
        fields["archived"] = serializers.BooleanField(source="is_archived", read_only=True)
        fields["archived_at"] = serializers.DateTimeField(read_only=True, allow_null=True)
        fields["archived_by"] = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
        fields["archive_reason"] = serializers.CharField(read_only=True)
        return fields


class ArchiveOnDeleteMixin:
    """DELETE archives the object (204); lists leave archived rows out; single reads still show them."""

    @property
    def include_archived(self) -> bool:
        """Archived rows are readable by id and changeable by nobody, but never listed."""
        return getattr(self, "action", None) != "list"

    def _archive_reason(self) -> str:
        reason = self.request.query_params.get("reason")
        if reason is None and isinstance(self.request.data, dict):
            reason = self.request.data.get("reason", "")
        if not isinstance(reason, str) or len(reason) > REASON_MAX_LENGTH:
            raise ValidationError({"reason": [f"Give the reason as text of at most {REASON_MAX_LENGTH} characters."]})
        return reason

    @extend_schema(
        parameters=[IF_MATCH, ARCHIVE_REASON], description="Archive the object: it leaves lists but stays readable."
    )
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance):
        record_archive(user=self.request.user, record=instance, reason=self._archive_reason())

    def perform_update(self, serializer):
        if serializer.instance.is_archived:
            name = serializer.instance._meta.verbose_name
            raise Conflict(f"This {name} is archived: a coordinator restores it first.")
        super().perform_update(serializer)
