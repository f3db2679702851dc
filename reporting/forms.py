"""The report request form: which report, of which plan, for which period."""

from __future__ import annotations

from django import forms

from csp.models import Partnership, ReportingPeriod
from csp.selectors import User
from plans.models import Plan

from .models import ReportJob
from .selectors import partnerships_for_reports


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ReportingPeriod) -> str:
        return f"{obj.partnership.display_name}: {obj.get_kind_display()} {obj.label}"


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Plan) -> str:
        return f"{obj.partnership.display_name}: {obj.title}"


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
        self.can_request = bool(partnership_ids)  # for the page: whether to show the form at all
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


class AreaReportForm(forms.Form):
    """An area summary over a chosen set of the area's partnerships (all ticked at first) for one quarter."""

    partnerships = forms.MultipleChoiceField(
        label="Which partnerships to include",
        widget=forms.CheckboxSelectMultiple,
        help_text="The report names the partnerships of the area you leave out.",
        error_messages={"required": "Choose at least one partnership to include"},
    )
    quarter = forms.ChoiceField(
        label="Quarter",
        help_text="Each partnership's own quarter of that financial year.",
        error_messages={"required": "Choose the quarter to report on"},
    )

    def __init__(self, *args, partnerships: list[Partnership], quarters: list[ReportingPeriod], **kwargs):
        super().__init__(*args, **kwargs)
        self.area_partnerships = {str(p.pk): p for p in partnerships}
        self.fields["partnerships"].choices = [(str(p.pk), p.name) for p in partnerships]
        self.fields["partnerships"].initial = list(self.area_partnerships)
        labels = {}
        for quarter in sorted(quarters, key=lambda q: (q.financial_year, q.number), reverse=True):
            labels.setdefault(f"{quarter.financial_year}-{quarter.number}", quarter.label)
        self.fields["quarter"].choices = [("", "Choose a quarter"), *labels.items()]
        self.quarters = quarters

    def clean(self):
        cleaned = super().clean()
        chosen = [self.area_partnerships[pk] for pk in cleaned.get("partnerships", [])]
        cleaned["chosen"] = sorted(chosen, key=lambda p: p.name)
        if chosen and cleaned.get("quarter"):
            year, number = (int(part) for part in cleaned["quarter"].split("-"))
            # The job is filed under the quarter of the first chosen partnership (by name) that has it.
            by_partnership = {
                q.partnership_id: q for q in self.quarters if (q.financial_year, q.number) == (year, number)
            }
            period = next((by_partnership[p.pk] for p in cleaned["chosen"] if p.pk in by_partnership), None)
            if period is None:
                self.add_error("quarter", "None of the chosen partnerships has this quarter: choose another")
            cleaned["period"] = period
        return cleaned
