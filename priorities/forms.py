"""Forms of the priority pages: a priority with its narratives, and its themes and indicators as rows."""

from __future__ import annotations

from django import forms

from csp.forms import BLANK_ROWS, DATE_HINT, GovukFormMixin
from csp.models import Partnership

from .models import Indicator, Priority, Theme


class PriorityForm(GovukFormMixin, forms.ModelForm):
    partnership = forms.ModelChoiceField(queryset=Partnership.objects.none(), label="Partnership", empty_label=None)
    period_start = forms.DateField(label="Start of the assessment period")
    period_end = forms.DateField(label="End of the assessment period")
    hints = {
        "code": "As the assessment numbers it, for example 'LP1' or '2'",
        "title": "For example 'Domestic abuse'",
        "period_start": DATE_HINT,
        "period_end": DATE_HINT,
    }

    class Meta:
        model = Priority
        fields = [
            "partnership",
            "code",
            "title",
            "scope",
            "period_start",
            "period_end",
            "narrative_what",
            "narrative_why",
            "narrative_achievements",
            "narrative_plans",
            "narrative_hotspots",
            "narrative_outcome",
        ]
        labels = {
            "code": "Code",
            "title": "Priority",
            "scope": "Scope (optional)",
            "narrative_what": "What it is (optional)",
            "narrative_why": "Why it is a priority (optional)",
            "narrative_achievements": "Achievements so far (optional)",
            "narrative_plans": "Plans (optional)",
            "narrative_hotspots": "Hotspots (optional)",
            "narrative_outcome": "Outcome sought (optional)",
        }
        widgets = {"scope": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships
        if self.instance.pk:
            del self.fields["partnership"]

    def _post_clean(self):
        # The service checks the model's rules and names the field.
        pass


class ThemeRowForm(GovukFormMixin, forms.Form):
    limit_model = Theme
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label="Theme", required=False)
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("id") and not cleaned.get("DELETE") and not cleaned.get("title", "").strip():
            self.add_error("title", "Enter the theme, or tick remove")
        if not cleaned.get("id") and cleaned.get("description", "").strip() and not cleaned.get("title", "").strip():
            self.add_error("title", "Enter the theme, or leave the whole row empty")
        return cleaned

    def row(self) -> dict | None:
        data = self.cleaned_data
        if not data or data.get("DELETE") or not data.get("title", "").strip():
            return None
        return {
            "id": data.get("id"),
            "title": data["title"].strip(),
            "description": data.get("description", "").strip(),
        }


class IndicatorRowForm(GovukFormMixin, forms.Form):
    limit_model = Indicator
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    code = forms.CharField(label="Code (optional)", required=False)
    name = forms.CharField(label="Indicator", required=False)
    unit = forms.ChoiceField(label="Unit", choices=Indicator.Unit.choices, initial=Indicator.Unit.COUNT)
    direction = forms.ChoiceField(label="Direction", choices=Indicator.Direction.choices, initial="down")
    baseline = forms.DecimalField(label="Baseline (optional)", required=False, max_digits=14, decimal_places=3)
    target_value = forms.DecimalField(label="Target (optional)", required=False, max_digits=14, decimal_places=3)
    hints = {"code": "For example 'NI 20'"}

    def clean(self):
        cleaned = super().clean()
        typed = any(cleaned.get(k) not in (None, "") for k in ("code", "baseline", "target_value"))
        if (cleaned.get("id") or typed) and not cleaned.get("name", "").strip():
            self.add_error("name", "Enter the indicator's name, or leave the whole row empty")
        return cleaned

    def row(self) -> dict | None:
        data = self.cleaned_data
        if not data or not data.get("name", "").strip():
            return None
        return {
            "id": data.get("id"),
            "code": data.get("code", "").strip(),
            "name": data["name"].strip(),
            "unit": data["unit"],
            "direction": data["direction"],
            "baseline": data.get("baseline"),
            "target_value": data.get("target_value"),
        }


class RowFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        return [row for row in (form.row() for form in self.forms) if row is not None]


ThemeFormSet = forms.formset_factory(ThemeRowForm, formset=RowFormSet, extra=BLANK_ROWS, can_delete=True, max_num=100)
# Indicators carry readings: the page adds and changes them but never removes one.
IndicatorFormSet = forms.formset_factory(IndicatorRowForm, formset=RowFormSet, extra=BLANK_ROWS, max_num=100)


def row_formsets(priority: Priority | None, data=None) -> dict[str, forms.BaseFormSet]:
    themes = indicators = []
    if priority is not None and priority.pk:
        themes = [{"id": t.pk, "title": t.title, "description": t.description} for t in priority.themes.all()]
        indicators = [
            {
                "id": i.pk,
                "code": i.code,
                "name": i.name,
                "unit": i.unit,
                "direction": i.direction,
                "baseline": i.baseline,
                "target_value": i.target_value,
            }
            for i in priority.indicators.all()
        ]
    return {
        "themes": ThemeFormSet(data=data, initial=themes, prefix="themes"),
        "indicators": IndicatorFormSet(data=data, initial=indicators, prefix="indicators"),
    }
