"""Forms of the people pages: only shape here; the rules are in csp/people.py and come back as field errors."""

from __future__ import annotations

from django import forms

from .models import Agency, Group, Partnership, Person, Role
from .widgets import Select

ROLE_HINTS = {
    Role.COORDINATOR: "Manages the partnership's plans, people and roles.",
    Role.GROUP_CHAIR: "Reviews the updates of items owned by the group they chair. Choose the person and the group.",
    Role.LEAD_OFFICER: "Writes the quarterly updates of the objectives where they are named. Choose the person.",
    Role.ANALYST: "Asks for and downloads reports and exports.",
    Role.VIEWER: "Reads the partnership's plans.",
}


class PartnershipChoicesMixin:
    """Pickers list only the partnership's own people, groups and agencies."""

    def limit_choices(self, partnership: Partnership) -> None:
        self.fields["person"].queryset = Person.objects.filter(partnership=partnership, archived_at__isnull=True)
        self.fields["group"].queryset = Group.objects.filter(partnership=partnership)
        self.fields["agency"].queryset = Agency.objects.filter(partnership=partnership)


def _picker(label: str, empty: str, help_text: str = "") -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label=label,
        empty_label=empty,
        help_text=help_text,
        error_messages={"invalid_choice": f"Choose a {label.lower()} from the list"},
        widget=Select(attrs={"class": "govuk-select"}),
    )


class RolesFields(forms.Form):
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose roles from the list"},
    )
    person = _picker(
        "Person", "Not linked to a person", "The person named in the plan: needed for lead officers and chairs."
    )
    group = _picker("Group", "No group", "The group they chair: only for the group chair role.")
    agency = _picker("Agency", "No agency")


class InviteForm(PartnershipChoicesMixin, RolesFields):
    name = forms.CharField(
        label="Full name", max_length=150, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.CharField(
        label="E-mail address",
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"max_length": "The e-mail address must be 254 characters or fewer"},
    )
    field_order = ["name", "email", "roles", "person", "group", "agency"]

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_choices(partnership)


class MembershipForm(PartnershipChoicesMixin, RolesFields):
    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_choices(partnership)


class RoleFilterForm(forms.Form):
    role = forms.ChoiceField(
        label="Role",
        required=False,
        choices=[("", "Any role"), *Role.choices],
        widget=Select(attrs={"class": "govuk-select"}),
    )


def add_service_errors(form: forms.Form, error) -> None:
    """Put a service's ValidationError next to the fields it names (the rest above the form)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
