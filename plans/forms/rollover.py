"""The form of the 'Start next year's plan' page."""

from __future__ import annotations

from django import forms

from csp.limits import text_limit

from ..models import Plan


class StartNextYearForm(forms.Form):
    """The title of next year's plan; everything else is carried from this year's."""

    title = forms.CharField(
        label="Title of next year's plan",
        max_length=text_limit(Plan, "title"),
        error_messages={
            "required": "Enter the title of next year's plan",
            "max_length": "The title must be %(limit_value)s characters or fewer",
        },
    )
