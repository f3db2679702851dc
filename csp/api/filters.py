"""Filters of the partnership core lists.

Related objects are filtered by id (an integer), so a filter never tells whether another
partnership's object exists: the lists are already scoped to the user.
"""

from __future__ import annotations

import re

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from csp.models import Agency, Group, Person, ReportingPeriod

# Ids and small numbers are bounded so an absurd value is a 400, never a database overflow.
MAX_ID = 2**53


def id_filter(field_name: str, label: str) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(
        field_name=field_name, label=label, distinct=True, min_value=1, max_value=MAX_ID, decimal_places=0
    )


def small_number_filter(field_name: str, label: str) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(
        field_name=field_name, label=label, min_value=0, max_value=32767, decimal_places=0
    )


class AgencyFilter(django_filters.FilterSet):
    partnership = id_filter("partnership", "Partnership id")

    class Meta:
        model = Agency
        fields = ["partnership", "kind", "is_responsible_authority"]


class PersonFilter(django_filters.FilterSet):
    partnership = id_filter("partnership", "Partnership id")
    agency = id_filter("agency", "Agency id")
    name = django_filters.CharFilter(lookup_expr="icontains", label="Name contains")

    class Meta:
        model = Person
        fields = ["partnership", "agency", "name"]


class GroupFilter(django_filters.FilterSet):
    partnership = id_filter("partnership", "Partnership id")

    class Meta:
        model = Group
        fields = ["partnership", "kind"]


class ReportingPeriodFilter(django_filters.FilterSet):
    partnership = id_filter("partnership", "Partnership id")
    contains = django_filters.DateFilter(method="filter_contains", label="Periods that contain this date")
    financial_year = small_number_filter("financial_year", "Financial year (2014 = 2014/15)")
    number = small_number_filter("number", "Quarter 1-4, half 1-2, or 1 for the year")

    class Meta:
        model = ReportingPeriod
        fields = ["partnership", "kind", "financial_year", "number"]

    def filter_contains(self, queryset, name, value):
        return queryset.filter(start__lte=value, end__gte=value)


# Strict query parameters: an unknown ordering field or a value a filter cannot use is a 400 that
# lists what is allowed, never silently ignored (a script would otherwise get the wrong rows).

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BOOLEAN_VALUES = ("true", "false")


def allowed_ordering(view) -> list[str]:
    """The ordering fields a view declares, each also allowed descending ('-name')."""
    fields = list(getattr(view, "ordering_fields", None) or [])
    return [term for name in fields for term in (name, f"-{name}")]


class StrictOrderingFilter(OrderingFilter):
    """DRF's ordering, but an unknown field is a 400 naming the allowed ones."""

    def get_ordering(self, request, queryset, view):
        given = request.query_params.get(self.ordering_param)
        if not given:
            return self.get_default_ordering(view)
        terms = [term.strip() for term in given.split(",") if term.strip()]
        allowed = allowed_ordering(view)
        unknown = [term for term in terms if term not in allowed]
        if unknown or not terms:
            raise ValidationError(
                {
                    self.ordering_param: [
                        f"'{(unknown or [given])[0]}' is not a field you can order by. Allowed: {', '.join(allowed)}."
                    ]
                }
            )
        return terms

    def get_schema_operation_parameters(self, view):
        allowed = allowed_ordering(view)
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": (
                    f"Fields to order by, comma-separated; '-' for descending. Allowed: {', '.join(allowed)}."
                ),
                "schema": {"type": "array", "items": {"type": "string", "enum": allowed}},
                "style": "form",
                "explode": False,
            }
        ]


def _filter_error(form_field, value, messages: list[str]) -> list[str]:
    """A filter's error, said so a person can fix the request: the allowed values, or 'not a real date'."""
    if isinstance(form_field, forms.ChoiceField):
        allowed = [str(key) for key, _label in form_field.choices if key != ""]
        return [f"'{value}' is not one of the allowed values: {', '.join(allowed)}."]
    if isinstance(form_field, forms.DateField | forms.DateTimeField) and isinstance(value, str):
        if ISO_DATE.match(value):
            return [f"'{value}' is not a real date."]
        return [f"'{value}' is not a date: use YYYY-MM-DD."]
    return messages


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, but every bad value is a 400 (booleans too) with a message that says what is allowed."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        errors = self.errors_of(filterset)
        if errors:
            raise ValidationError(errors)
        return filterset.qs

    @staticmethod
    def errors_of(filterset) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        form = filterset.form
        form.is_valid()
        for name, messages in form.errors.items():
            field = form.fields.get(name)
            errors[name] = _filter_error(field, filterset.data.get(name), list(messages)) if field else list(messages)
        for name, flt in filterset.filters.items():
            value = filterset.data.get(name)
            # A NullBooleanField quietly reads a word it does not know as 'no filter'.
            if (
                isinstance(flt, django_filters.BooleanFilter)
                and value not in (None, "")
                and name not in errors
                and str(value).lower() not in (*BOOLEAN_VALUES, "1", "0")
            ):
                errors[name] = [f"'{value}' is not one of the allowed values: {', '.join(BOOLEAN_VALUES)}."]
        return errors
