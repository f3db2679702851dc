"""Filters of the plans API lists (django-filter)."""

from __future__ import annotations

import django_filters
from django.utils import timezone

from csp.api.filters import MAX_ID, id_filter, small_number_filter
from csp.models import RagStatus

from ..models import ConsultationActivity, Escalation, Objective, Plan, QuarterlyUpdate, Review, Section
from ..rules import addresses_priority_q, led_by_agency_q, objective_overdue_q
from ..selectors.status import PeriodStatus


class PlanFilter(django_filters.FilterSet):
    partnership = id_filter("partnership", "Partnership id")
    priority = id_filter("priorities", "Priority id")

    class Meta:
        model = Plan
        fields = ["partnership", "kind", "status", "priority"]


class SectionFilter(django_filters.FilterSet):
    plan = id_filter("plan", "Plan id")
    priority = id_filter("priority", "Priority id")

    class Meta:
        model = Section
        fields = ["plan", "priority"]


class ConsultationActivityFilter(django_filters.FilterSet):
    plan = id_filter("plan", "Plan id")

    class Meta:
        model = ConsultationActivity
        fields = ["plan"]


class ObjectiveFilter(django_filters.FilterSet):
    partnership = id_filter("plan__partnership", "Partnership id")
    plan = id_filter("plan", "Plan id")
    section = id_filter("section", "Section id")
    priority = django_filters.NumberFilter(
        method="filter_priority",
        label="Priority id: objectives addressing it through their own priorities, their section's priority, "
        "or an 'all priorities' flag of the objective or (where it names none of its own) of the plan",
        min_value=1,
        max_value=MAX_ID,
        decimal_places=0,
    )
    agency = django_filters.NumberFilter(
        method="filter_agency",
        label="Agency id: objectives it leads as a lead agency, as the agency recorded on a lead, "
        "or through a lead officer's agency",
        min_value=1,
        max_value=MAX_ID,
        decimal_places=0,
    )
    group = id_filter("lead_groups", "Lead group id")
    lead_officer = id_filter("leads__person", "Person id of a lead officer")
    status = django_filters.ChoiceFilter(
        field_name="current_status",
        choices=PeriodStatus.choices,
        label="Status in the plan's current quarter: red, amber, green, no_status (update gives no status) "
        "or no_update",
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label="Active objectives past their due date or with a milestone past its date and not completed by today",
    )
    ref = django_filters.CharFilter(lookup_expr="iexact", label="Reference, e.g. '1.1' or 'Op Marble'")

    class Meta:
        model = Objective
        fields = ["partnership", "plan", "section", "priority", "agency", "group", "lead_officer", "state", "ref"]

    def filter_priority(self, queryset, name, value):
        return queryset.filter(addresses_priority_q(int(value)))

    def filter_agency(self, queryset, name, value):
        return queryset.filter(led_by_agency_q(int(value)))

    def filter_overdue(self, queryset, name, value):
        overdue = objective_overdue_q(timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class QuarterlyUpdateFilter(django_filters.FilterSet):
    partnership = id_filter("objective__plan__partnership", "Partnership id")
    plan = id_filter("objective__plan", "Plan id")
    objective = id_filter("objective", "Objective id")
    period = id_filter("period", "Reporting period id")
    status = django_filters.ChoiceFilter(field_name="rag_status", choices=RagStatus.choices, label="Overall status")
    lead_officer = id_filter("objective__leads__person", "Person id of a lead officer of the objective")
    financial_year = small_number_filter("period__financial_year", "Financial year (2014 = 2014/15)")

    class Meta:
        model = QuarterlyUpdate
        fields = ["partnership", "plan", "objective", "period", "state", "status", "is_late", "lead_officer"]


class ReviewFilter(django_filters.FilterSet):
    update = id_filter("update", "Quarterly update id")
    objective = id_filter("update__objective", "Objective id")
    plan = id_filter("update__objective__plan", "Plan id")
    period = id_filter("update__period", "Reporting period id")

    class Meta:
        model = Review
        fields = ["update", "objective", "plan", "period", "decision"]


class EscalationFilter(django_filters.FilterSet):
    objective = id_filter("objective", "Objective id")
    plan = id_filter("objective__plan", "Plan id")
    board = id_filter("board", "Board (Responsible Authorities Group) id")
    update = id_filter("update", "Quarterly update id")
    resolved = django_filters.BooleanFilter(
        field_name="resolved_at", lookup_expr="isnull", exclude=True, label="true: resolved; false: still open"
    )

    class Meta:
        model = Escalation
        fields = ["objective", "plan", "board", "update", "resolved"]
