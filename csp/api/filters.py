"""Filters of the partnership core lists.

Related objects are filtered by id (an integer), so a filter never tells whether another
partnership's object exists: the lists are already scoped to the user.
"""

from __future__ import annotations

import django_filters

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
