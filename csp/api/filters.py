"""Filters of the partnership core lists.

Related objects are filtered by id (an integer), so a filter never tells whether another
partnership's object exists: the lists are already scoped to the user.
"""

from __future__ import annotations

import django_filters

from csp.models import Agency, Group, Person, ReportingPeriod


def id_filter(field_name: str, label: str) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(field_name=field_name, label=label, distinct=True)


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

    class Meta:
        model = ReportingPeriod
        fields = ["partnership", "kind", "financial_year", "number"]

    def filter_contains(self, queryset, name, value):
        return queryset.filter(start__lte=value, end__gte=value)
