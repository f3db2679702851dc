"""Filters of the review dashboard (django-filter), limited to one plan's partnership."""

from __future__ import annotations

from collections.abc import Iterable

import django_filters
from django.db.models import F, Q, QuerySet

from csp.models import Agency, Group, Person
from csp.widgets import Select
from priorities.models import Priority

from .models import Objective, ObjectiveLead, Plan, Section
from .rules import addresses_priority_q, led_by_agency_q, priorities_of_plan
from .selectors.status import EXCEPTION_STATUSES, STATUS_ORDER, PeriodStatus

STATUS_EXCEPTIONS = "exceptions"
STATUS_ALL = "all"
STATUS_CHOICES = [
    (STATUS_EXCEPTIONS, "Exceptions: red, amber, no update, update gives no status, or overdue"),
    *[(status, PeriodStatus.label(status)) for status in STATUS_ORDER],
    (STATUS_ALL, "All statuses"),
]
# Each sort ends in plan order, so pages never overlap.
SORTS = {
    "status": ("status_rank", "section__position", "position", "id"),
    "plan_order": ("section__position", "position", "id"),
    "due": (F("due_date").asc(nulls_last=True), "section__position", "position", "id"),
    "overdue": ("-overdue_milestones", "status_rank", "section__position", "position", "id"),
}
SORT_CHOICES = [
    ("status", "Status, worst first"),
    ("plan_order", "Plan order"),
    ("due", "Due date"),
    ("overdue", "Most overdue milestones"),
]
DEFAULTS = {"status": STATUS_EXCEPTIONS, "sort": "status"}


def _select(**attrs) -> Select:
    return Select(attrs={"class": "govuk-select", **attrs})


class ReviewFilter(django_filters.FilterSet):
    """Which items of a plan the dashboard lists; the quarter is chosen before (it sets each item's status)."""

    status = django_filters.ChoiceFilter(
        label="Status", choices=STATUS_CHOICES, method="filter_status", empty_label=None, widget=_select()
    )
    section = django_filters.ModelChoiceFilter(
        label="Priority / section",
        queryset=Section.objects.none(),
        null_label="No section",
        null_value="none",
        empty_label="All",
        widget=_select(),
    )
    priority = django_filters.ModelChoiceFilter(
        label="Priority",
        queryset=Priority.objects.none(),
        method="filter_priority",
        empty_label="All",
        widget=_select(),
    )
    agency = django_filters.ModelChoiceFilter(
        label="Lead agency", queryset=Agency.objects.none(), method="filter_agency", empty_label="All", widget=_select()
    )
    group = django_filters.ModelChoiceFilter(
        label="Lead group", queryset=Group.objects.none(), method="filter_group", empty_label="All", widget=_select()
    )
    lead_officer = django_filters.ModelChoiceFilter(
        label="Lead officer",
        queryset=Person.objects.none(),
        method="filter_lead_officer",
        empty_label="All",
        widget=_select(),
    )
    overdue = django_filters.ChoiceFilter(
        label="Overdue",
        choices=[("yes", "Overdue: its date or a milestone's date has passed")],
        empty_label="Any",
        method="filter_overdue",
        widget=_select(),
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by", choices=SORT_CHOICES, method="sort_items", empty_label=None, widget=_select()
    )

    class Meta:
        model = Objective
        fields: list[str] = []

    def __init__(self, data=None, *args, plan: Plan, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.plan = plan
        partnership_id = plan.partnership_id
        # Each choice reads the fields its label (`__str__`) needs, in the partnership's name order: every option
        # is a row made into a model instance on each build of the dashboard.
        self.filters["section"].queryset = plan.sections.order_by("position", "id").only(
            "id", "plan_id", "number", "title"
        )
        self.filters["priority"].queryset = priorities_of_plan(plan).only("id", "code", "title")
        self.filters["agency"].queryset = (
            Agency.objects.filter(partnership_id=partnership_id).order_by("name", "id").only("id", "name", "short_name")
        )
        self.filters["group"].queryset = (
            Group.objects.filter(partnership_id=partnership_id)
            .exclude(kind=Group.Kind.BOARD)
            .order_by("name", "id")
            .only("id", "name", "short_name")
        )
        # The plan's lead officers: a semi-join, not a join of every lead row made distinct.
        self.filters["lead_officer"].queryset = (
            Person.objects.filter(
                partnership_id=partnership_id,
                pk__in=ObjectiveLead.objects.filter(objective__plan=plan, person__isnull=False).values("person_id"),
            )
            .order_by("name", "id")
            .only("id", "name", "job_title")
        )

    def qs_without(self, names: Iterable[str]) -> QuerySet:
        """The items the chosen filters give, leaving out the filters `names`: django-filter's `filter_queryset`
        over the same validated choices, so a second FilterSet (its fields copied, its form validated again) is
        not needed for the dashboard's counts."""
        self.errors  # noqa: B018 - validates the form, as `qs` does
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name not in names:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def _among(self, queryset: QuerySet, condition: Q) -> QuerySet:
        # A subquery, not a join: many-to-many filters must not repeat rows or change the counts.
        return queryset.filter(pk__in=Objective.objects.filter(condition, plan=self.plan).values("pk"))

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == STATUS_ALL:
            return queryset
        if value == STATUS_EXCEPTIONS:
            return queryset.filter(Q(period_status__in=EXCEPTION_STATUSES) | Q(is_overdue=True))
        return queryset.filter(period_status=value)

    def filter_priority(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(addresses_priority_q(value))

    def filter_agency(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(led_by_agency_q(value))

    def filter_group(self, queryset: QuerySet, name: str, value) -> QuerySet:
        # A group leads through the objective's lead groups or a lead row naming the group.
        return self._among(queryset, Q(lead_groups=value) | Q(leads__group=value))

    def filter_lead_officer(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return self._among(queryset, Q(leads__person=value))

    def sort_items(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by(*SORTS.get(value, SORTS["status"]))

    def filter_overdue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(is_overdue=True) if value == "yes" else queryset
