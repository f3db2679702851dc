"""The OpenAPI schema (drf-spectacular) says what the API really answers: its 4xx and the bounds of id filters."""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# A refusal from a service may carry several messages, so `detail` is a string or a list of them.
DETAIL_SCHEMA = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}


@extend_schema_field(DETAIL_SCHEMA)
class DetailField(serializers.JSONField):
    """What went wrong, for a person to read: one message or several."""


class ApiErrorSerializer(serializers.Serializer):
    """An error: `detail` says what went wrong; a 400 instead names each field with its messages."""

    detail = DetailField(required=False, help_text="What went wrong, for a person to read.")


ERRORS = {
    "400": "Invalid input: each field (or query parameter) with what is wrong and, where it helps, what is allowed.",
    "401": "No valid token or session.",
    "403": "Your role in this object's partnership does not allow this.",
    "404": "No such object among those you may see (another partnership's objects are not found either).",
    "409": "The object cannot change now (submitted, rendered, or still referred to).",
    "412": "If-Match names another version of the object: read it again and reapply your change.",
    "413": "The request body is larger than the API accepts.",
    "428": "If-Match is required (CSP_API_REQUIRE_IF_MATCH) for a change to an existing object.",
}
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema with the error answers of each operation, and id filters bounded (minimum 1)."""

    def _error_codes(self) -> list[str]:
        codes = ["401", "403"]
        detail = "{id}" in self.path
        if self.method == "GET":
            # A list's bad filter, ordering or page number is 400 / 404; a single object may be missing.
            codes += ["400", "404"] if self._is_list_view() else ["404"]
        if self.method in WRITE_METHODS:
            codes += ["404"] if detail else []
            if self.method != "DELETE":
                codes += ["400", "413"]
            codes += ["409"]
            if self._takes_if_match():
                codes += ["412", "428"]
        return sorted(set(codes))

    def _takes_if_match(self) -> bool:
        """The operation declares If-Match (updates, deletes, object actions such as submit)."""
        return any(getattr(p, "name", None) == "If-Match" for p in self.get_override_parameters())

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                response = self._get_response_for_code(ApiErrorSerializer, code, direction=direction)
                response["description"] = ERRORS[code]
                responses[code] = response
        return responses

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        filterset_class = getattr(self.view, "filterset_class", None)
        filters = getattr(filterset_class, "base_filters", {})
        for parameter in parameters:
            flt = filters.get(parameter.get("name"))
            if flt is None:
                continue
            schema = parameter.setdefault("schema", {})
            if flt.extra.get("decimal_places") == 0 and schema.get("type") == "number":
                schema["type"] = "integer"
            if flt.extra.get("min_value") is not None:
                schema["minimum"] = int(flt.extra["min_value"])
            if flt.extra.get("max_value") is not None:
                schema["maximum"] = int(flt.extra["max_value"])
        return parameters
