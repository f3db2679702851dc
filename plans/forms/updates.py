"""Forms of the quarterly update page: the update itself and one small form per expected outcome."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.validators import MaxLengthValidator
from django.http import QueryDict

from csp.limits import text_limit, too_long_message
from csp.models import Partnership, RagStatus

from ..models import ExpectedOutcome, Milestone, OutcomeStatus, QuarterlyUpdate
from ..services.updates import OutcomeInput, UpdateInput


def limit_validator(model, field_name: str, label: str) -> MaxLengthValidator:
    """The csp.limits bound as a validator, without a maxlength attribute that would cut text off silently."""
    limit = text_limit(model, field_name)
    return MaxLengthValidator(limit, message=too_long_message(label, limit))


RAG_CHOICES = [(RagStatus.GREEN, "Green"), (RagStatus.AMBER, "Amber"), (RagStatus.RED, "Red")]
MAX_SPEND = Decimal("9999999999.99")


class UpdateForm(forms.Form):
    """The narrative, overall status, milestones met and spend of one update."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    progress = forms.CharField(
        label="Progress this quarter",
        required=False,
        widget=forms.Textarea,
        validators=[limit_validator(QuarterlyUpdate, "progress", "Progress")],
    )
    rag_status = forms.ChoiceField(label="Overall status", choices=RAG_CHOICES, required=False)
    rag_note = forms.CharField(
        label="Why is the overall status amber or red?",
        required=False,
        widget=forms.Textarea,
        validators=[limit_validator(QuarterlyUpdate, "rag_note", "The reason for the status")],
    )
    milestones_met = forms.ModelMultipleChoiceField(
        label="Milestones met", queryset=Milestone.objects.none(), required=False
    )
    spend_to_date = forms.CharField(label="Spend to date", required=False)

    def __init__(self, *args, partnership: Partnership, milestones: list[Milestone], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestones_met"].queryset = Milestone.objects.filter(pk__in=[m.pk for m in milestones])
        self.milestone_list = milestones
        self.rag_options = [
            {"value": value, "label": label, "meaning": partnership.rag_meaning(value)} for value, label in RAG_CHOICES
        ]

    def clean_spend_to_date(self) -> Decimal | None:
        raw = self.cleaned_data["spend_to_date"].strip()
        if not raw:
            return None
        cleaned = re.sub(r"[£,\s]", "", raw)
        try:
            amount = Decimal(cleaned)
        except InvalidOperation:
            raise forms.ValidationError("Enter spend to date in pounds, like 1250 or 1,250.50") from None
        if not amount.is_finite():
            raise forms.ValidationError("Enter spend to date in pounds, like 1250 or 1,250.50")
        if amount < 0:
            raise forms.ValidationError("Spend to date must be £0 or more")
        if amount > MAX_SPEND:
            raise forms.ValidationError("Spend to date must be less than £10,000,000,000")
        if amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError("Spend to date must be in pounds and pence, like 1250.50")
        return amount

    @property
    def selected_milestone_ids(self) -> set[str]:
        value = self["milestones_met"].value() or []
        return {str(v) for v in value}


class OutcomeStatusForm(forms.Form):
    """The status and note of one expected outcome; prefixed 'outcome-<id>'."""

    rag_status = forms.ChoiceField(choices=RAG_CHOICES, required=False)
    note = forms.CharField(
        required=False, widget=forms.Textarea, validators=[limit_validator(OutcomeStatus, "note", "The outcome note")]
    )

    def __init__(self, *args, outcome: ExpectedOutcome, **kwargs):
        super().__init__(*args, prefix=f"outcome-{outcome.pk}", **kwargs)
        self.outcome = outcome


def update_initial(update: QuarterlyUpdate | None) -> dict:
    """Initial values of the update form from a saved update (or nothing)."""
    if update is None:
        return {}
    return {
        "progress": update.progress,
        "rag_status": update.rag_status if update.rag_status in dict(RAG_CHOICES) else "",
        "rag_note": update.rag_note,
        "milestones_met": [m.pk for m in update.milestones_met.all()],
        "spend_to_date": "" if update.spend_to_date is None else f"{update.spend_to_date:.2f}",
    }


def outcome_initial(update: QuarterlyUpdate | None) -> dict[int, dict]:
    """Initial status and note per outcome id from a saved update."""
    if update is None:
        return {}
    return {
        s.outcome_id: {"rag_status": s.rag_status if s.rag_status in dict(RAG_CHOICES) else "", "note": s.note}
        for s in update.outcome_statuses.all()
    }


def update_input_from(form: UpdateForm, outcome_forms: list[OutcomeStatusForm]) -> UpdateInput:
    """What the service needs, from valid forms."""
    data = form.cleaned_data
    return UpdateInput(
        progress=data["progress"],
        rag_status=data["rag_status"] or RagStatus.NOT_UPDATED,
        rag_note=data["rag_note"],
        spend_to_date=data["spend_to_date"],
        milestone_ids=[m.pk for m in data["milestones_met"]],
        outcomes={
            f.outcome.pk: OutcomeInput(
                rag_status=f.cleaned_data["rag_status"] or RagStatus.NOT_UPDATED, note=f.cleaned_data["note"]
            )
            for f in outcome_forms
        },
    )


@dataclass
class CopiedField:
    """One field of last quarter's update that 'Copy last quarter's text' can put into the form."""

    name: str
    label: str
    values: list[str]
    display: str


def previous_fields(previous: QuarterlyUpdate | None, outcomes: list[ExpectedOutcome]) -> list[CopiedField]:
    """Last quarter's non-empty values by form field name, with the words a person knows the field by."""
    if previous is None:
        return []
    base = update_initial(previous)
    rag_labels = dict(RAG_CHOICES)
    milestone_names = {m.pk: m.text for m in previous.milestones_met.all()}
    fields = [
        CopiedField("progress", "Progress this quarter", [base["progress"]], base["progress"]),
        CopiedField("rag_status", "Overall status", [base["rag_status"]], str(rag_labels.get(base["rag_status"], ""))),
        CopiedField("rag_note", "Why the overall status is amber or red", [base["rag_note"]], base["rag_note"]),
        CopiedField(
            "milestones_met",
            "Milestones met",
            [str(pk) for pk in base["milestones_met"]],
            "; ".join(milestone_names[pk] for pk in base["milestones_met"]),
        ),
        CopiedField("spend_to_date", "Spend to date", [base["spend_to_date"]], base["spend_to_date"]),
    ]
    per_outcome = outcome_initial(previous)
    for outcome in outcomes:
        given = per_outcome.get(outcome.pk, {})
        prefix = f"outcome-{outcome.pk}"
        status = given.get("rag_status", "")
        fields.append(
            CopiedField(
                f"{prefix}-rag_status", f"Status of outcome {outcome.number}", [status], str(rag_labels.get(status, ""))
            )
        )
        note = given.get("note", "")
        fields.append(CopiedField(f"{prefix}-note", f"Note on outcome {outcome.number}", [note], note))
    return [f for f in fields if any(v.strip() for v in f.values)]


def _typed(values: list[str]) -> list[str]:
    return [v for v in values if v.strip()]


def copy_previous_into(
    data: QueryDict, copied: list[CopiedField], *, replace: bool
) -> tuple[QueryDict, list[CopiedField]]:
    """Form data with last quarter's values put into the empty fields (and, with `replace`, over typed ones).

    Returns the new data and the fields where typed text differs from last quarter's: those are never
    overwritten unless `replace` says the person confirmed it.
    """
    merged = data.copy()
    conflicts = []
    for field in copied:
        typed = _typed(data.getlist(field.name))
        if typed and sorted(typed) != sorted(field.values):
            conflicts.append(field)
            if not replace:
                continue
        merged.setlist(field.name, field.values)
    return merged, conflicts
