"""Building blocks every app's API uses: pagination, scoped related fields, base serializer and viewset."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpResponse
from rest_framework import serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.relations import MANY_RELATION_KWARGS
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

from csp.content_version import cached_fragment
from csp.errors import too_large_detail
from csp.limits import text_limit, too_long_message
from csp.selectors import EDITOR_ROLES, partnership_ids_visible_to
from csp.tokens import ApiTokenAuthentication

from .concurrency import ETagMixin, ETagReadMixin
from .permissions import PartnershipRolePermission, partnership_id_in, require_role


class ApiPagination(PageNumberPagination):
    """Pages of 50 by default; `page_size` up to 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


# A list endpoint may prefetch a relation into a plain list, `Prefetch(name, to_attr=LISTED + name)`: Django
# then skips making a queryset per row and relation (~600 on a page of objectives), and the fields below
# read the list. Without it (a write's own instance, a test's object) they read the relation as before.
LISTED = "listed_"


def _listed(field: serializers.Field, instance) -> list | None:
    if len(field.source_attrs) != 1 or not isinstance(instance, models.Model):
        return None
    return instance.__dict__.get(LISTED + field.source_attrs[0])


class ListedListSerializer(serializers.ListSerializer):
    """A nested list of parts, read from the prefetched list when the endpoint made one."""

    def get_attribute(self, instance):
        rows = _listed(self, instance)
        return rows if rows is not None else super().get_attribute(instance)


class ListedManyRelatedField(serializers.ManyRelatedField):
    """Ids of related objects, read from the prefetched list when the endpoint made one."""

    def get_attribute(self, instance):
        rows = _listed(self, instance)
        return rows if rows is not None else super().get_attribute(instance)


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object by id, looked up only among what the user may see (else 'does not exist')."""

    def __init__(self, *, selector: Callable, **kwargs):
        self.selector = selector
        super().__init__(**kwargs)

    @classmethod
    def many_init(cls, *args, **kwargs):
        """DRF's many_init, with a ListedManyRelatedField."""
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        for key in kwargs:
            if key in MANY_RELATION_KWARGS:
                list_kwargs[key] = kwargs[key]
        return ListedManyRelatedField(**list_kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return self.queryset.none()
        return self.selector(request.user)

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except OverflowError:
            self.fail("does_not_exist", pk_value=data)


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class StrictDateField(serializers.DateField):
    """A date; a well-formed but impossible one ('2010-02-30') is 'not a real date', not a format error."""

    default_error_messages = {"not_real": "'{value}' is not a real date."}

    def to_internal_value(self, value):
        if isinstance(value, str) and ISO_DATE.match(value.strip()):
            try:
                dt.date.fromisoformat(value.strip())
            except ValueError:
                self.fail("not_real", value=value.strip())
        return super().to_internal_value(value)


class ApiModelSerializer(serializers.ModelSerializer):
    """Every API serializer's base: dates checked for being real, text fields bounded by csp.limits."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: StrictDateField,
    }

    @property
    def _readable_fields(self):
        """DRF's readable fields, listed once per serializer rather than walked for every row of a list.

        A list's rows (and each row's nested parts) share one child serializer, whose fields are fixed
        once bound, so a page of 50 objectives walks its fields ~700 times with DRF's generator.
        """
        readable = self.__dict__.get("_readable_field_list")
        if readable is None:
            readable = [field for field in self.fields.values() if not field.write_only]
            self.__dict__["_readable_field_list"] = readable
        return readable

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        limit = text_limit(model_field.model, model_field.name) if isinstance(model_field, models.TextField) else None
        if limit is not None and "choices" not in kwargs:
            kwargs["max_length"] = limit
            label = str(model_field.verbose_name).capitalize()
            kwargs.setdefault("error_messages", {})["max_length"] = too_long_message(label, limit)
        return field_class, kwargs


def related_partnership_id(obj: models.Model) -> int | None:
    """The partnership a related object belongs to, where it belongs to one."""
    if hasattr(obj, "partnership_id"):
        return obj.partnership_id
    if hasattr(obj, "plan_id"):
        return obj.plan.partnership_id
    if hasattr(obj, "objective_id"):
        return obj.objective.plan.partnership_id
    return None


class ScopedModelSerializer(ApiModelSerializer):
    """A model serializer whose related objects must all belong to the object's own partnership.

    `partnership_path` leads from the object to its partnership ('plan.partnership'; '' for a partnership).
    """

    partnership_path: str = "partnership"

    def target_partnership_id(self, attrs: Mapping[str, Any]) -> int | None:
        return partnership_id_in(attrs, self.instance, self.partnership_path)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        target = self.target_partnership_id(attrs)
        if target is not None:
            self._check_same_partnership(attrs, target)
        return attrs

    def _check_same_partnership(self, value: Any, target: int, field: str | None = None) -> None:
        if isinstance(value, Mapping):
            for name, item in value.items():
                self._check_same_partnership(item, target, field or name)
        elif isinstance(value, list | tuple):
            for item in value:
                self._check_same_partnership(item, target, field)
        elif isinstance(value, models.Model):
            partnership_id = value.pk if value._meta.model_name == "partnership" else related_partnership_id(value)
            if partnership_id is not None and partnership_id != target:
                raise ValidationError({field: ["Must belong to the same partnership."]})


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Other records still refer to this object; remove or move them first."
    default_code = "conflict"


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


def api_exception_handler(exc, context):
    """DRF's handler, plus: a refused service call is 403, a broken rule or constraint is 400, never a 500."""
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent):
        exc = RequestTooLarge(too_large_detail())
    elif isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    elif isinstance(exc, models.ProtectedError | models.RestrictedError):
        exc = Conflict()
    elif isinstance(exc, IntegrityError):
        exc = ValidationError({"detail": ["This would break a rule of the data (a duplicate or a missing link)."]})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = PermissionDenied(str(exc) or None)
    return exception_handler(exc, context)


# Object ids in paths: digits only, short enough for any database's integer.
ID_PATTERN = "[0-9]{1,15}"
# Token first, so a script with a bad, expired or revoked token gets 401 with a WWW-Authenticate
# challenge; a read-only token gets 403 on writes (csp/tokens.py).
AUTHENTICATION_CLASSES = [ApiTokenAuthentication, SessionAuthentication]


class KeptListMixin:
    """A list's answer kept under the content versions of the user's partnerships (csp/content_version.py).

    Kept per user and full address (host, filters, page): the next request with the same address answers
    from the cache until a write in one of those partnerships. Each request still runs authentication and
    permissions. A JSON answer is kept as the bytes sent (rendering 50 nested objects again was about a
    fifth of a kept request); the browsable page keeps the data and renders it each time.
    """

    def list(self, request, *args, **kwargs):
        build = super().list
        if not settings.CSP_FRAGMENT_CACHE:
            return build(request, *args, **kwargs)
        name = f"api-list:{type(self).__module__}.{type(self).__name__}"
        partnership_ids = partnership_ids_visible_to(request.user)
        vary = (request.user.pk, request.build_absolute_uri())
        renderer = request.accepted_renderer
        if not isinstance(renderer, JSONRenderer):
            data = cached_fragment(
                name, partnership_ids=partnership_ids, vary=vary, render=lambda: build(request, *args, **kwargs).data
            )
            return Response(data)
        media_type = request.accepted_media_type  # "application/json; indent=4" is kept apart from the compact
        body = cached_fragment(
            f"{name}:json",
            partnership_ids=partnership_ids,
            vary=(*vary, media_type),
            render=lambda: renderer.render(
                build(request, *args, **kwargs).data, media_type, self.get_renderer_context()
            ),
        )
        # As DRF's Response would send it (its headers, Allow and Vary, are added by finalize_response).
        content_type = f"{renderer.media_type}; charset={renderer.charset}" if renderer.charset else renderer.media_type
        return HttpResponse(body, content_type=content_type)


class ScopedReadOnlyViewSet(KeptListMixin, ETagReadMixin, viewsets.ReadOnlyModelViewSet):
    """Lists and single objects of what the user may see."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated]
    pagination_class = ApiPagination
    lookup_value_regex = ID_PATTERN

    def get_exception_handler(self):
        return api_exception_handler


class ScopedModelViewSet(KeptListMixin, ETagMixin, viewsets.ModelViewSet):
    """Full CRUD of what the user may see; writes need `write_roles` in the object's partnership."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated, PartnershipRolePermission]
    pagination_class = ApiPagination
    lookup_value_regex = ID_PATTERN
    write_roles = EDITOR_ROLES
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    @property
    def partnership_path(self) -> str:
        return self.get_serializer_class().partnership_path

    def get_exception_handler(self):
        return api_exception_handler

    def _require_write_role(self, serializer) -> None:
        roles = PartnershipRolePermission.roles_for(self)
        require_role(
            self.request.user, partnership_id_in(serializer.validated_data, None, self.partnership_path), roles
        )

    def refetch(self, serializer) -> None:
        """Answer with the object as a fresh read shows it (annotations, nested parts after the write)."""
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_create(self, serializer):
        self._require_write_role(serializer)
        with transaction.atomic():
            serializer.save()
        self.refetch(serializer)

    def perform_update(self, serializer):
        if serializer.validated_data:
            # Moving an object to another partnership needs the role there too.
            target = partnership_id_in(serializer.validated_data, serializer.instance, self.partnership_path)
            require_role(self.request.user, target, PartnershipRolePermission.roles_for(self))
        with transaction.atomic():
            serializer.save()
        self.refetch(serializer)

    def perform_destroy(self, instance):
        with transaction.atomic():
            instance.delete()
