"""The chairs' inbox form: which updates, at which version, approve or return, and one comment."""

from __future__ import annotations

from django import forms

from ..models import Review
from .updates import limit_validator


class BulkReviewForm(forms.Form):
    """Checked updates (each posted with the version the page showed) and one decision for all of them."""

    APPROVE = "approve"
    RETURN = "return"

    update = forms.TypedMultipleChoiceField(coerce=int, label="Updates", error_messages={"required": ""})
    action = forms.ChoiceField(choices=[(APPROVE, "Approve selected"), (RETURN, "Return selected")])
    comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea,
        validators=[limit_validator(Review, "comment", "The comment")],
    )

    def __init__(self, *args, update_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is accepted in shape; the view looks them up among visible updates (404 for others).
        self.fields["update"].choices = [(pk, pk) for pk in update_ids]
        self.fields["update"].error_messages["required"] = "Select at least one update"
        self.fields["update"].error_messages["invalid_choice"] = "Select updates from the list"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.RETURN and not cleaned.get("comment", "").strip():
            self.add_error("comment", "Enter a comment saying what the lead officers need to change")
        return cleaned

    def versions(self, data) -> dict[int, int]:
        """The version each checked update had on the page (-1 when missing, so it never matches)."""
        found = {}
        for pk in self.cleaned_data.get("update", []):
            raw = data.get(f"version-{pk}", "")
            found[pk] = int(raw) if raw.isdigit() else -1
        return found
