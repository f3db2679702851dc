"""Filters of priorities, indicators and readings."""

from __future__ import annotations

import django_filters

from csp.api.filters import id_filter, small_number_filter
from priorities.models import Indicator, IndicatorReading, Priority


class PriorityFilter(django_filters.FilterSet):
    partnership = id_filter("partnership", "Partnership id")
    plan = id_filter("plans", "Plan id: the priorities a plan answers")
    lead_agency = id_filter("lead_agencies", "Agency id of a lead agency")
    active_on = django_filters.DateFilter(method="filter_active_on", label="Priorities whose period covers this date")

    class Meta:
        model = Priority
        fields = ["partnership", "plan", "lead_agency", "code", "is_cross_cutting"]

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(period_start__lte=value, period_end__gte=value)


class IndicatorFilter(django_filters.FilterSet):
    partnership = id_filter("partnership", "Partnership id")
    priority = id_filter("priority", "Priority id")
    code = django_filters.CharFilter(lookup_expr="iexact", label="National indicator code, e.g. 'NI 20'")

    class Meta:
        model = Indicator
        fields = ["partnership", "priority", "code", "unit", "direction"]


class IndicatorReadingFilter(django_filters.FilterSet):
    indicator = id_filter("indicator", "Indicator id")
    period = id_filter("period", "Reporting period id")
    financial_year = small_number_filter("period__financial_year", "Financial year (2014 = 2014/15)")

    class Meta:
        model = IndicatorReading
        fields = ["indicator", "period", "financial_year"]
