"""The leads of an objective or a milestone as a formset: one row per lead, a few blank rows to add, a box to remove."""

from __future__ import annotations

from django import forms

from csp.limits import too_long_message
from csp.models import Agency, Group, Person
from csp.widgets import Select

from ..models import LeadKind, ObjectiveLead

SELECT = {"class": "govuk-select"}
INPUT = {"class": "govuk-input"}
BLANK_ROWS = 3
JOB_TITLE_LIMIT = ObjectiveLead._meta.get_field("job_title").max_length


class LeadForm(forms.Form):
    """One lead: a person, the job title as this plan writes it, an organisation or group, and a kind."""

    person = forms.ModelChoiceField(
        label="Person",
        queryset=Person.objects.none(),
        required=False,
        empty_label="No named person",
        widget=Select(attrs=SELECT),
    )
    job_title = forms.CharField(
        label="Job title as the plan writes it",
        required=False,
        max_length=JOB_TITLE_LIMIT,
        error_messages={"max_length": too_long_message("Job title", JOB_TITLE_LIMIT)},
        widget=forms.TextInput(attrs=INPUT),
        help_text="For example, Chief Inspector Eastbourne District",
    )
    agency = forms.ModelChoiceField(
        label="Organisation",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="None",
        widget=Select(attrs=SELECT),
    )
    group = forms.ModelChoiceField(
        label="Group",
        queryset=Group.objects.none(),
        required=False,
        empty_label="None",
        widget=Select(attrs=SELECT),
    )
    kind = forms.ChoiceField(label="Kind", choices=LeadKind.choices, initial=LeadKind.LEAD, widget=Select(attrs=SELECT))

    def __init__(self, *args, partnership_id: int, choices: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The pickers offer only this partnership's people, organisations and groups.
        for name, queryset in picker_querysets(partnership_id).items():
            self.fields[name].queryset = queryset
            if choices is not None:
                # Read once for the whole formset: every row's picker shows the same options.
                self.fields[name].widget.choices = choices[name]
        self.fields["person"].label_from_instance = _person_choice

    def is_blank(self) -> bool:
        """Nothing named: a blank row, skipped (the kind alone names no one)."""
        data = self.cleaned_data
        return not any(
            (data.get("person"), (data.get("job_title") or "").strip(), data.get("agency"), data.get("group"))
        )


def _person_choice(person: Person) -> str:
    return f"{person.name} ({person.job_title})" if person.job_title else person.name


class BaseLeadFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this lead"
            form.fields["DELETE"].widget.attrs["class"] = "govuk-checkboxes__input"


def picker_querysets(partnership_id: int) -> dict:
    return {
        "person": Person.objects.filter(partnership_id=partnership_id, archived_at__isnull=True).order_by("name"),
        "agency": Agency.objects.filter(partnership_id=partnership_id),
        "group": Group.objects.filter(partnership_id=partnership_id),
    }


LeadFormSet = forms.formset_factory(LeadForm, formset=BaseLeadFormSet, extra=BLANK_ROWS, can_delete=True)


def lead_formset(owner, data=None, *, partnership_id: int) -> forms.BaseFormSet:
    """The formset for the leads of an objective or a milestone (`owner`): its leads in order, then blank rows."""
    initial = [
        {
            "person": lead.person,
            "job_title": lead.job_title,
            "agency": lead.agency,
            "group": lead.group,
            "kind": lead.kind,
        }
        for lead in owner.leads.select_related("person", "agency", "group")
    ]
    prototype = LeadForm(partnership_id=partnership_id)
    choices = {name: list(prototype.fields[name].choices) for name in ("person", "agency", "group")}
    return LeadFormSet(
        data, initial=initial, prefix="leads", form_kwargs={"partnership_id": partnership_id, "choices": choices}
    )


def leads_from(formset) -> tuple[list[dict], list[int]]:
    """The leads the formset gives (blank and removed rows left out) and, for each, its form's index."""
    leads, rows = [], []
    for index, form in enumerate(formset.forms):
        if form.cleaned_data.get("DELETE") or form.is_blank():
            continue
        leads.append({name: form.cleaned_data.get(name) for name in ("person", "job_title", "agency", "group", "kind")})
        rows.append(index)
    return leads, rows
