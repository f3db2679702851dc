"""Optimistic concurrency for the API: every object carries an ETag; a stale If-Match gets 412.

The ETag is a hash of the object's representation (its id, updated_at or version and every
nested part), so any change a client could see, including a nested action or outcome, changes it.
"""

from __future__ import annotations

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag you read; the change is refused with 412 if the object has changed since.",
)


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The object has changed since you read it. Read it again and reapply your change."
    default_code = "precondition_failed"


def etag_for(representation) -> str:
    """A strong ETag for an object's API representation."""
    payload = json.dumps(representation, sort_keys=True, cls=DjangoJSONEncoder, default=str)
    return '"' + hashlib.sha256(payload.encode()).hexdigest()[:40] + '"'


def _tags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


class ETagReadMixin:
    """Adds an ETag to single-object responses and answers a matching If-None-Match with 304."""

    def with_etag(self, response: Response) -> Response:
        if response.status_code < 300 and isinstance(response.data, dict):
            response["ETag"] = etag_for(response.data)
        return response

    def retrieve(self, request, *args, **kwargs):
        response = self.with_etag(super().retrieve(request, *args, **kwargs))
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match and response.get("ETag") in _tags(if_none_match):
            not_modified = Response(status=status.HTTP_304_NOT_MODIFIED)
            not_modified["ETag"] = response["ETag"]
            return not_modified
        return response


class ETagMixin(ETagReadMixin):
    """ETags on every single-object response, and If-Match (stale -> 412) on every write."""

    def current_etag(self, instance) -> str:
        return etag_for(self.get_serializer(instance).data)

    def check_if_match(self, instance) -> None:
        """Refuse the write if the client's If-Match names another version of the object."""
        header = self.request.headers.get("If-Match")
        if not header or header.strip() == "*":
            return
        if self.current_etag(instance) not in _tags(header):
            raise PreconditionFailed()

    def create(self, request, *args, **kwargs):
        return self.with_etag(super().create(request, *args, **kwargs))

    @extend_schema(parameters=[IF_MATCH])
    def update(self, request, *args, **kwargs):
        self.check_if_match(self.get_object())
        return self.with_etag(super().update(request, *args, **kwargs))

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    @extend_schema(parameters=[IF_MATCH])
    def destroy(self, request, *args, **kwargs):
        self.check_if_match(self.get_object())
        return super().destroy(request, *args, **kwargs)
