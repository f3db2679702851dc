"""Forms of the plan editor: a plan, a section, an objective with its actions, outcomes and milestones.

They parse and check the shape of what was typed; the rules (who may write, numbering, a unique
reference, publishing) live in plans.services.plans, whose ValidationErrors are put back on the
fields here (`add_service_errors`). Nested parts are formsets with blank rows, so a page needs no
JavaScript to add one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from csp.forms import BLANK_ROWS, DATE_HINT, GovukFormMixin
from csp.limits import too_long_message
from csp.models import Partnership

from ..models import Action, ExpectedOutcome, Milestone, Objective, Plan, Section


class PlanForm(GovukFormMixin, forms.ModelForm):
    """A plan's title, kind, period, owning group and the priorities it addresses."""

    partnership = forms.ModelChoiceField(queryset=Partnership.objects.none(), label="Partnership", empty_label=None)
    period_start = forms.DateField(label="Start of the plan period")
    period_end = forms.DateField(label="End of the plan period")
    hints = {
        "title": "As the plan is called, for example 'Community Safety Plan 2025 to 2028'",
        "period_start": DATE_HINT,
        "period_end": DATE_HINT,
        "period_label": "As the plan writes it, for example '2025/26' or '2025 – 2028'",
        "owning_group": "The group that keeps the plan and reviews its progress",
        "priorities": "Tick the strategic assessment priorities this plan addresses",
        "review_date_text": "When the plan will be reviewed, for example 'March 2026'",
    }

    class Meta:
        model = Plan
        fields = [
            "partnership",
            "title",
            "kind",
            "period_start",
            "period_end",
            "period_label",
            "owning_group",
            "priorities",
            "introduction",
            "review_date_text",
            "priority_neighbourhoods",
            "funding_statement",
        ]
        labels = {
            "review_date_text": "Review date as written (optional)",
            "priority_neighbourhoods": "Priority neighbourhoods (optional)",
            "funding_statement": "Funding statement (optional)",
            "title": "Plan title",
            "kind": "Kind of plan",
            "period_label": "Period as written (optional)",
            "owning_group": "Owning group (optional)",
            "priorities": "Priorities it addresses",
            "introduction": "Introduction (optional)",
        }
        widgets = {"priorities": forms.CheckboxSelectMultiple, "kind": forms.RadioSelect}

    def __init__(self, *args, partnerships, groups, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships
        if self.instance.pk:
            del self.fields["partnership"]
        self.fields["owning_group"].queryset = groups
        self.fields["priorities"].queryset = priorities
        self.fields["kind"].choices = Plan.Kind.choices
        self.fields["kind"].error_messages["required"] = "Select the kind of plan"

    def clean(self):
        cleaned = super().clean()
        partnership = cleaned.get("partnership") or (self.instance.partnership if self.instance.pk else None)
        if partnership is not None:
            group = cleaned.get("owning_group")
            if group is not None and group.partnership_id != partnership.pk:
                self.add_error("owning_group", "Choose a group of the plan's partnership")
            if any(p.partnership_id != partnership.pk for p in cleaned.get("priorities", [])):
                self.add_error("priorities", "Choose priorities of the plan's partnership")
        return cleaned

    def _post_clean(self):
        # The service checks the model's rules (and unique titles) and names the field; skip ModelForm's own.
        pass

    def service_input(self) -> tuple[dict, dict]:
        data = dict(self.cleaned_data)
        m2m = {"priorities": list(data.pop("priorities", []))}
        return data, m2m


class SectionForm(GovukFormMixin, forms.ModelForm):
    hints = {"number": "As the plan numbers it, for example '1' or 'A'", "priority": "The priority it is about"}

    class Meta:
        model = Section
        fields = ["number", "title", "priority", "introduction"]
        labels = {
            "number": "Number (optional)",
            "title": "Section title",
            "priority": "Priority (optional)",
            "introduction": "Introduction (optional)",
        }

    def __init__(self, *args, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = priorities

    def _post_clean(self):
        pass


def parse_pounds(raw: str, label: str) -> Decimal | None:
    """'£1,250.50' -> Decimal('1250.50'); '' -> None; else a GOV.UK worded error."""
    from .updates import MAX_SPEND

    raw = (raw or "").strip()
    if not raw:
        return None
    cleaned = raw.replace("£", "").replace(",", "").replace(" ", "")
    try:
        amount = Decimal(cleaned)
    except ArithmeticError:
        raise ValidationError(f"Enter {label.lower()} in pounds, like 1250 or 1,250.50") from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(f"Enter {label.lower()} in pounds, like 1250 or 1,250.50")
    if amount < 0:
        raise ValidationError(f"{label} must be £0 or more")
    if amount > MAX_SPEND:
        raise ValidationError(f"{label} must be less than £10,000,000,000")
    return amount


class ObjectiveForm(GovukFormMixin, forms.ModelForm):
    """The objective itself: ref, title, theme, section, priorities, leads as written, resources, cost, completion."""

    cost_amount = forms.CharField(label="Cost in pounds (optional)", required=False)
    due_date = forms.DateField(label="Due date (optional)", required=False)
    hints = {
        "ref": "As the plan numbers it, for example '1.1' or 'ASB 3'",
        "title": "The objective as the plan words it",
        "theme": "For example Violent crime, or leave blank",
        "priorities": "Tick the priorities this objective addresses",
        "lead_text": "Who leads it, as the plan writes it. Name organisations, jobholders or people on the leads page",
        "resources": "One resource on each line",
        "cost_amount": "For example 1250 or 1,250.50",
        "cost_text": "If there is no figure, for example 'Officer time' or 'TBC'",
        "due_date": DATE_HINT,
        "due_text": "When it will be done, as the plan writes it, for example 'Ongoing' or 'March 2026'",
    }

    class Meta:
        model = Objective
        fields = [
            "ref",
            "title",
            "theme",
            "section",
            "priorities",
            "target_and_indicator",
            "lead_text",
            "resources",
            "cost_amount",
            "cost_text",
            "funding_source",
            "due_date",
            "due_text",
            "how_measured",
        ]
        labels = {
            "ref": "Reference (optional)",
            "title": "Objective",
            "theme": "Theme (optional)",
            "section": "Section (optional)",
            "priorities": "Priorities it addresses (optional)",
            "target_and_indicator": "Target and indicator (optional)",
            "lead_text": "Leads as written (optional)",
            "resources": "Resources (optional)",
            "cost_text": "Cost in words (optional)",
            "funding_source": "Funding source (optional)",
            "due_text": "Completion as written (optional)",
            "how_measured": "How it is measured (optional)",
        }
        widgets = {"priorities": forms.CheckboxSelectMultiple}

    def __init__(self, *args, sections, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections
        self.fields["priorities"].queryset = priorities
        if self.instance.pk and self.instance.cost_amount is not None and not self.is_bound:
            self.initial["cost_amount"] = f"{self.instance.cost_amount:.2f}"

    def clean_cost_amount(self):
        return parse_pounds(self.cleaned_data["cost_amount"], "Cost")

    def _post_clean(self):
        pass

    def service_input(self) -> tuple[dict, dict]:
        data = dict(self.cleaned_data)
        m2m = {"priorities": list(data.pop("priorities", []))}
        return data, m2m


class PartRowForm(GovukFormMixin, forms.Form):
    """One row of a nested part; an untouched blank row is skipped, a ticked 'remove' drops the part."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("id") and not any(
            value not in (None, "") for key, value in data.items() if key not in ("id", "DELETE")
        )


class ActionRowForm(PartRowForm):
    limit_model = Action
    text = forms.CharField(label="Action", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("id") and not cleaned.get("DELETE") and not cleaned.get("text", "").strip():
            self.add_error("text", "Enter the action, or tick remove")
        return cleaned

    def part(self) -> dict:
        return {"id": self.cleaned_data.get("id"), "text": self.cleaned_data["text"].strip()}


class OutcomeRowForm(PartRowForm):
    limit_model = ExpectedOutcome
    number = forms.IntegerField(label="Number", required=False, min_value=1, max_value=999)
    text = forms.CharField(label="Expected outcome", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    target_value = forms.DecimalField(
        label="Target (optional)", required=False, min_value=0, max_digits=14, decimal_places=3
    )
    target_unit = forms.CharField(label="Unit of the target (optional)", required=False)
    budget = forms.CharField(label="Budget in pounds (optional)", required=False)
    hints = {
        "number": "Left empty, it takes the next number",
        "target_unit": "For example '%' or 'events'",
        "budget": "For example 1250 or 1,250.50",
    }

    def clean_budget(self):
        return parse_pounds(self.cleaned_data["budget"], "Budget")

    def clean(self):
        cleaned = super().clean()
        if not self.is_blank() and not cleaned.get("DELETE") and not cleaned.get("text", "").strip():
            self.add_error("text", "Enter the expected outcome, or leave the whole row empty")
        return cleaned

    def part(self) -> dict:
        data = self.cleaned_data
        return {
            "id": data.get("id"),
            "number": data.get("number"),
            "text": data["text"].strip(),
            "target_value": data.get("target_value"),
            "target_unit": data.get("target_unit", "").strip(),
            "budget": data.get("budget"),
        }


class MilestoneRowForm(PartRowForm):
    limit_model = Milestone
    text = forms.CharField(label="Milestone", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due_date = forms.DateField(label="Due date (optional)", required=False)
    due_text = forms.CharField(label="Due as written (optional)", required=False)
    lead_text = forms.CharField(label="Lead as written (optional)", required=False)
    cost_amount = forms.CharField(label="Milestone cost in pounds (optional)", required=False)
    cost_text = forms.CharField(label="Milestone cost in words (optional)", required=False)
    hints = {
        "due_date": DATE_HINT,
        "due_text": "If there is no date, for example 'Summer 2026'",
        "cost_amount": "For example 1250 or 1,250.50",
        "cost_text": "If there is no figure, for example 'Officer time'",
        "lead_text": "As the plan writes it. Once saved, name its organisations and jobholders on its leads page",
    }

    def clean_cost_amount(self):
        return parse_pounds(self.cleaned_data["cost_amount"], "Cost")

    def clean(self):
        cleaned = super().clean()
        if not self.is_blank() and not cleaned.get("DELETE") and not cleaned.get("text", "").strip():
            self.add_error("text", "Enter the milestone, or leave the whole row empty")
        return cleaned

    def part(self) -> dict:
        data = self.cleaned_data
        return {
            "id": data.get("id"),
            "text": data["text"].strip(),
            "due_date": data.get("due_date"),
            "due_text": data.get("due_text", "").strip(),
            "lead_text": data.get("lead_text", "").strip(),
            "cost_amount": data.get("cost_amount"),
            "cost_text": data.get("cost_text", "").strip(),
        }


class BasePartFormSet(forms.BaseFormSet):
    def parts(self) -> list[dict]:
        """The rows to keep, in order: blank rows and rows ticked 'remove' left out."""
        return [
            form.part()
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.is_blank()
        ]


def _formset(form_class):
    return forms.formset_factory(form_class, formset=BasePartFormSet, extra=BLANK_ROWS, can_delete=True, max_num=200)


ActionFormSet = _formset(ActionRowForm)
OutcomeFormSet = _formset(OutcomeRowForm)
MilestoneFormSet = _formset(MilestoneRowForm)


def part_formsets(objective: Objective | None, data=None) -> dict[str, forms.BaseFormSet]:
    """The actions, outcomes and milestones formsets of an objective (empty ones for a new objective)."""
    actions = outcomes = milestones = []
    if objective is not None and objective.pk:
        actions = [{"id": a.pk, "text": a.text} for a in objective.actions.all()]
        outcomes = [
            {
                "id": o.pk,
                "number": o.number,
                "text": o.text,
                "target_value": o.target_value,
                "target_unit": o.target_unit,
                "budget": "" if o.budget is None else f"{o.budget:.2f}",
            }
            for o in objective.outcomes.all()
        ]
        milestones = [
            {
                "id": m.pk,
                "text": m.text,
                "due_date": m.due_date,
                "due_text": m.due_text,
                "lead_text": m.lead_text,
                "cost_amount": "" if m.cost_amount is None else f"{m.cost_amount:.2f}",
                "cost_text": m.cost_text,
            }
            for m in objective.milestones.all()
        ]
    return {
        "actions": ActionFormSet(data=data, initial=actions, prefix="actions"),
        "outcomes": OutcomeFormSet(data=data, initial=outcomes, prefix="outcomes"),
        "milestones": MilestoneFormSet(data=data, initial=milestones, prefix="milestones"),
    }


def number_outcomes(outcomes: list[dict]) -> list[dict]:
    """Give each outcome left without a number the next one after the highest given."""
    used = {o["number"] for o in outcomes if o.get("number")}
    following = max(used, default=0) + 1
    for outcome in outcomes:
        if not outcome.get("number"):
            outcome["number"] = following
            following += 1
    return outcomes


class StrikeForm(GovukFormMixin, forms.Form):
    limit_model = Objective
    struck_reason = forms.CharField(label="Why is it struck from the plan?", widget=forms.Textarea(attrs={"rows": 4}))
    struck_on = forms.DateField(label="Date struck", required=False)
    hints = {"struck_on": f"Leave empty for today. {DATE_HINT}"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["struck_reason"].error_messages["required"] = "Enter why the objective is struck from the plan"

    def clean_struck_on(self) -> dt.date:
        return self.cleaned_data["struck_on"] or timezone.localdate()


class ArchiveForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(label="Why are you archiving it?", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter why you are archiving it"
        self.fields["reason"].validators.append(MaxLengthValidator(2000, message=too_long_message("Reason", 2000)))
