"""Filters of the report list."""

from __future__ import annotations

import django_filters

from csp.api.filters import id_filter
from reporting.models import ReportJob


class ReportJobFilter(django_filters.FilterSet):
    partnership = id_filter("partnership", "Partnership id")
    plan = id_filter("plan", "Plan id")
    period = id_filter("period", "Reporting period id")

    class Meta:
        model = ReportJob
        fields = ["partnership", "plan", "period", "kind", "state", "is_automatic"]
