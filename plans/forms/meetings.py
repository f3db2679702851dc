"""Forms of a group's meetings: set one up, a decision taken from its pack, an action of its log."""

from __future__ import annotations

from django import forms

from csp.limits import text_limit, too_long_message

from ..models import ActionLogItem, MeetingDecision

NOTE_LIMIT = text_limit(MeetingDecision, "text")
ACTION_LIMIT = text_limit(ActionLogItem, "text")

DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%Y-%m-%d", "%d-%m-%Y"]
DATE_HINT = "For example, 27/10/2014"
DATE_ERRORS = {"invalid": "Enter a real date, for example 27/10/2014"}


class MeetingForm(forms.Form):
    date = forms.DateField(
        label="Date of the meeting",
        input_formats=DATE_FORMATS,
        help_text=DATE_HINT,
        error_messages={**DATE_ERRORS, "required": "Enter the date of the meeting"},
    )
    minute_reference = forms.CharField(
        label="Minute reference (optional)", required=False, max_length=60, help_text="For example, ODG 14/07"
    )


# Decisions that need words: why it goes back, why the board should look, why a proposal is turned down.
NEEDS_TEXT = {
    MeetingDecision.Kind.RETURN: "Enter a comment saying what the lead officers need to change",
    MeetingDecision.Kind.ESCALATE: "Enter a note for the board saying why this item is escalated",
    MeetingDecision.Kind.REJECT: "Enter a note saying why the proposal is rejected",
}


class MeetingDecisionForm(forms.Form):
    """One decision on one item of the pack: on its submitted update, or on one of its proposals."""

    kind = forms.ChoiceField(choices=MeetingDecision.Kind.choices, error_messages={"required": "Select a decision"})
    text = forms.CharField(
        required=False, max_length=NOTE_LIMIT, error_messages={"max_length": too_long_message("The note", NOTE_LIMIT)}
    )
    update = forms.IntegerField(required=False, min_value=1)
    proposal = forms.IntegerField(required=False, min_value=1)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind in NEEDS_TEXT and not (cleaned.get("text") or "").strip():
            self.add_error("text", NEEDS_TEXT[kind])
        if not cleaned.get("update") and not cleaned.get("proposal"):
            raise forms.ValidationError("Choose the update or proposal to decide on")
        return cleaned


class ActionItemForm(forms.Form):
    text = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=ACTION_LIMIT,
        error_messages={"required": "Enter the action", "max_length": too_long_message("The action", ACTION_LIMIT)},
    )
    owner_text = forms.CharField(
        label="Owner",
        max_length=200,
        help_text="A name, a role or an agency",
        error_messages={"required": "Enter who owns the action", "max_length": too_long_message("The owner", 200)},
    )
    due_date = forms.DateField(
        label="Due (optional)",
        required=False,
        input_formats=DATE_FORMATS,
        help_text=DATE_HINT,
        error_messages=DATE_ERRORS,
    )
    done_on = forms.DateField(
        label="Done on (optional)",
        required=False,
        input_formats=DATE_FORMATS,
        help_text=DATE_HINT,
        error_messages=DATE_ERRORS,
    )

    def __init__(self, *args, with_done: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_done:
            del self.fields["done_on"]
