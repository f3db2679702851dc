"""The report request form: which report, of which plan, for which period."""

from __future__ import annotations

from django import forms

from csp.models import ReportingPeriod
from csp.selectors import User
from plans.models import Plan

from .models import ReportJob
from .selectors import partnerships_for_reports


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ReportingPeriod) -> str:
        return f"{obj.partnership.short_name or obj.partnership.name}: {obj.get_kind_display()} {obj.label}"


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Plan) -> str:
        return f"{obj.partnership.short_name or obj.partnership.name}: {obj.title}"


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label="Which report",
        # A meeting pack is asked for from its meeting's page.
        choices=[(value, label) for value, label in ReportJob.Kind.choices if value != ReportJob.Kind.MEETING_PACK],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which report you want"},
    )
    plan = PlanChoiceField(
        label="Plan",
        queryset=Plan.objects.none(),
        required=False,
        help_text="Not needed for an area summary.",
        empty_label="Choose a plan",
    )
    period = PeriodChoiceField(
        label="Period",
        queryset=ReportingPeriod.objects.none(),
        help_text="A quarter, or a half-year for the Police and Crime Commissioner report.",
        empty_label="Choose a period",
        error_messages={"required": "Choose the period to report on"},
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        partnership_ids = [p.pk for p in partnerships_for_reports(user)]
        self.fields["plan"].queryset = (
            Plan.objects.filter(partnership__in=partnership_ids)
            .exclude(status=Plan.Status.DRAFT)
            .select_related("partnership")
            .order_by("partnership__name", "-period_start")
        )
        self.fields["period"].queryset = (
            ReportingPeriod.objects.filter(
                partnership__in=partnership_ids,
                kind__in=[ReportingPeriod.Kind.QUARTER, ReportingPeriod.Kind.HALF_YEAR],
            )
            .select_related("partnership")
            .order_by("partnership__name", "-start", "kind")
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") and cleaned["kind"] != ReportJob.Kind.AREA and not cleaned.get("plan"):
            self.add_error("plan", "Choose the plan to report on")
        return cleaned
