"""Forms of the review: a chair's decision on an update, proposals and their decision, comments."""

from __future__ import annotations

from django import forms

from csp.widgets import Select

from ..models import ChangeProposal, Objective, QuarterlyUpdate

TEXTAREA = {"class": "govuk-textarea", "rows": 4}


class GovukRadios(forms.RadioSelect):
    """Radios whose field id is the first radio's id, so an error summary link lands on it (GOV.UK pattern)."""

    def id_for_label(self, id_, index=None):
        return id_ if index in (None, "0", 0) else f"{id_}-{index}"


class UpdateReviewForm(forms.Form):
    """Approve, return with a comment, or escalate to the board with a note."""

    APPROVE = "approve"
    RETURN = "return"
    ESCALATE = "escalate"

    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            (APPROVE, "Approve the update"),
            (RETURN, "Return it to the lead officers with a comment"),
            (ESCALATE, "Escalate the item to the board for its next meeting"),
        ],
        widget=GovukRadios,
        error_messages={"required": "Select approve, return or escalate"},
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=(
            "Needed when you return the update (what should change) or escalate it (why the board should look at it)."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == self.RETURN and not cleaned.get("comment", "").strip():
            self.add_error("comment", "Enter a comment saying what the lead officers need to change")
        if decision == self.ESCALATE and not cleaned.get("comment", "").strip():
            self.add_error("comment", "Enter a note for the board saying why this item is escalated")
        return cleaned


class CommentForm(forms.Form):
    """A comment on an item, optionally about one of its updates."""

    text = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": "Enter a comment"},
    )
    update = forms.ModelChoiceField(
        label="About the update for (optional)",
        queryset=QuarterlyUpdate.objects.none(),
        required=False,
        empty_label="The item as a whole",
        widget=Select(attrs={"class": "govuk-select"}),
    )

    def __init__(self, *args, objective: Objective, listed: list[QuarterlyUpdate] | None = None, **kwargs):
        """`listed`: the live updates the page has read already, in period order, with their periods; the options
        are written from them instead of a query. The queryset still validates what is posted."""
        super().__init__(*args, **kwargs)
        # The updates the item page lists: live ones (the service refuses an archived one too).
        # (None): a page's prefetched updates carry their own joins and prefetches, not needed for a label.
        updates = (
            objective.updates.filter(archived_at__isnull=True)
            .select_related(None)
            .select_related("period")
            .prefetch_related(None)
            .order_by("period__start")
        )
        field = self.fields["update"]
        field.queryset = updates
        field.label_from_instance = lambda update: str(update.period)
        if listed is not None:
            field.choices = [("", field.empty_label), *((u.pk, field.label_from_instance(u)) for u in listed)]


class ProposalForm(forms.Form):
    """A lead officer's proposal to strike or change an objective."""

    kind = forms.ChoiceField(
        label="What do you propose?",
        choices=ChangeProposal.Kind.choices,
        widget=GovukRadios,
        error_messages={"required": "Select strike or change"},
    )
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs=TEXTAREA), error_messages={"required": "Enter the reason"}
    )
    proposed_change = forms.CharField(
        label="The change you propose",
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="Only when you propose a change, not a strike. Explain it, or fill in the new wording below.",
    )
    proposed_title = forms.CharField(
        label="New title", required=False, widget=forms.Textarea(attrs=TEXTAREA), help_text="Leave empty to keep it."
    )
    proposed_target_and_indicator = forms.CharField(
        label="New target and indicator",
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="Leave empty to keep it.",
    )
    proposed_due_text = forms.CharField(
        label="New due",
        required=False,
        max_length=200,
        help_text="As the plan words it: 'March 2015'. Leave empty to keep it.",
    )
    proposed_how_measured = forms.CharField(
        label="New way it is measured",
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="Leave empty to keep it.",
    )

    NEW_VALUES = ("proposed_title", "proposed_target_and_indicator", "proposed_due_text", "proposed_how_measured")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == ChangeProposal.Kind.CHANGE and not any(
            cleaned.get(name, "").strip() for name in ("proposed_change", *self.NEW_VALUES)
        ):
            self.add_error("proposed_change", "Enter the change you propose")
        return cleaned


class ProposalDecisionForm(forms.Form):
    """The chair's decision on a proposal."""

    APPROVE = "approve"
    REJECT = "reject"

    decision = forms.ChoiceField(
        label="Your decision",
        choices=[(APPROVE, "Approve the proposal"), (REJECT, "Reject the proposal")],
        widget=GovukRadios,
        error_messages={"required": "Select approve or reject"},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}),
        help_text="Needed when you reject the proposal.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REJECT and not cleaned.get("note", "").strip():
            self.add_error("note", "Enter a note saying why the proposal is rejected")
        return cleaned
