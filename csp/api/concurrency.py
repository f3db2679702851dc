"""Optimistic concurrency for the API: every object carries an ETag; a stale If-Match gets 412.

The ETag is a hash of the object's representation (its id, updated_at or version and every
nested part), so any change a client could see, including a nested action or outcome, changes it.

Every write to an existing object locks its row first (csp.concurrency.row_lock), then reads it,
compares If-Match and writes, all in one transaction: of two writers holding the same ETag,
exactly one succeeds and the other gets 412. If-Match uses the strong comparison of RFC 9110
(a weak `W/"..."` tag never matches); If-None-Match uses the weak one, as the RFC says.
With CSP_API_REQUIRE_IF_MATCH on, a write without If-Match is refused with 428.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from csp.concurrency import row_lock

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "The ETag you read (strong comparison: a weak W/ tag never matches). The change is refused with 412 "
        "if the object has changed since; with CSP_API_REQUIRE_IF_MATCH on, a write without it gets 428."
    ),
)


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The object has changed since you read it. Read it again and reapply your change."
    default_code = "precondition_failed"


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "Send the ETag you read in an If-Match header, so a colleague's change is never overwritten."
    default_code = "precondition_required"


def etag_for(representation) -> str:
    """A strong ETag for an object's API representation."""
    payload = json.dumps(representation, sort_keys=True, cls=DjangoJSONEncoder, default=str)
    return '"' + hashlib.sha256(payload.encode()).hexdigest()[:40] + '"'


def _weak_tags(header: str) -> set[str]:
    """The tags of If-None-Match, compared weakly (W/ ignored)."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def _strong_tags(header: str) -> set[str]:
    """The tags of If-Match that may match: strong ones only."""
    return {tag.strip() for tag in header.split(",") if tag.strip() and not tag.strip().startswith("W/")}


def if_match_required() -> bool:
    return bool(getattr(settings, "CSP_API_REQUIRE_IF_MATCH", False))


class ETagReadMixin:
    """Adds an ETag to single-object responses and answers a matching If-None-Match with 304."""

    def with_etag(self, response: Response) -> Response:
        if response.status_code < 300 and isinstance(response.data, dict):
            response["ETag"] = etag_for(response.data)
        return response

    def retrieve(self, request, *args, **kwargs):
        response = self.with_etag(super().retrieve(request, *args, **kwargs))
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match and response.get("ETag") in _weak_tags(if_none_match):
            not_modified = Response(status=status.HTTP_304_NOT_MODIFIED)
            not_modified["ETag"] = response["ETag"]
            return not_modified
        return response


class ETagMixin(ETagReadMixin):
    """ETags on every single-object response, and If-Match (stale -> 412) on every write, under a row lock."""

    def current_etag(self, instance) -> str:
        return etag_for(self.get_serializer(instance).data)

    def check_if_match(self, instance) -> None:
        """Refuse the write if If-Match names another version of the object (or is missing when required)."""
        header = self.request.headers.get("If-Match")
        if not header:
            if if_match_required():
                raise PreconditionRequired()
            return
        if header.strip() == "*":
            return
        if self.current_etag(instance) not in _strong_tags(header):
            raise PreconditionFailed()

    def get_object_for_write(self):
        """The object, locked until the transaction ends, read after the lock; then If-Match is checked.

        Must run inside transaction.atomic(). The lock comes before the scoped read so that the
        representation compared with If-Match is the one the write will replace.
        """
        lookup = self.lookup_url_kwarg or self.lookup_field
        row_lock(self.get_queryset().model, self.kwargs[lookup])
        instance = self.get_object()
        self.check_if_match(instance)
        return instance

    def create(self, request, *args, **kwargs):
        return self.with_etag(super().create(request, *args, **kwargs))

    @extend_schema(parameters=[IF_MATCH])
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            instance = self.get_object_for_write()
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            self.perform_update(serializer)
        return self.with_etag(Response(serializer.data))

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    @extend_schema(parameters=[IF_MATCH])
    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self.get_object_for_write()
            self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)
