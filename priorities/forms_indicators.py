"""Forms of the indicator pages: a reading, the yearly targets and tolerance, an upload."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from csp.limits import text_limit
from csp.models import Partnership, ReportingPeriod
from plans.importing import files as upload_checks
from plans.importing.drafts import ImportFileError

from .models import IndicatorReading
from .services import MAX_UPLOAD_BYTES


class ReadingForm(forms.Form):
    period = forms.ModelChoiceField(
        queryset=ReportingPeriod.objects.none(),
        label="Reporting period",
        error_messages={"required": "Choose the reporting period", "invalid_choice": "Choose the reporting period"},
    )
    value = forms.DecimalField(
        label="Figure",
        max_digits=14,
        decimal_places=3,
        help_text="What was counted: the count, the number a rate is worked out from, or the percentage.",
        error_messages={
            "required": "Enter the figure",
            "invalid": "Enter the figure as a number, like 198 or 12.5",
            "max_digits": "Enter a smaller figure",
            "max_decimal_places": "Enter the figure with no more than 3 decimal places",
        },
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
        max_length=text_limit(IndicatorReading, "note"),
    )

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods
        self.fields["period"].label_from_instance = lambda period: period.label
        self.fields["period"].widget.attrs["class"] = "govuk-select"
        self.fields["value"].widget.attrs.update({"class": "govuk-input govuk-input--width-10", "inputmode": "decimal"})


class TargetsForm(forms.Form):
    """The amber tolerance and one target field per financial year of the partnership's periods."""

    tolerance_percent = forms.DecimalField(
        label="Tolerance for amber (%)",
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=6,
        decimal_places=2,
        help_text="How far a figure may miss its target, as a percentage of the target, and be amber not red.",
        error_messages={
            "required": "Enter the tolerance",
            "invalid": "Enter the tolerance as a number, like 5",
            "min_value": "Enter a tolerance of 0 or more",
            "max_value": "Enter a tolerance of 100 or less",
        },
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        for year in years:
            self.fields[f"target_{year}"] = forms.DecimalField(
                label=f"Target for {year}/{(year + 1) % 100:02d} (optional)",
                required=False,
                min_value=Decimal("0"),
                max_digits=14,
                decimal_places=3,
                error_messages={
                    "invalid": "Enter the target as a number",
                    "min_value": "Enter a target of 0 or more",
                },
                widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10", "inputmode": "decimal"}),
            )
        self.fields["tolerance_percent"].widget.attrs.update({"class": "govuk-input govuk-input--width-4"})

    def targets(self) -> dict[int, Decimal | None]:
        return {year: self.cleaned_data.get(f"target_{year}") for year in self.years}


class UploadForm(forms.Form):
    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.none(),
        label="Partnership",
        error_messages={"required": "Choose the partnership", "invalid_choice": "Choose the partnership"},
    )
    file = forms.FileField(
        label="File of readings",
        help_text="A CSV or Excel (.xlsx) file whose first row names the columns Indicator, Period and Value "
        "(and optionally Note). Indicators by code or name, periods as 'Q1 2014/15'.",
        error_messages={"required": "Choose a file", "empty": "The file is empty"},
    )

    def __init__(self, *args, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships
        self.fields["partnership"].widget.attrs["class"] = "govuk-select"
        if partnerships.count() == 1:
            self.fields["partnership"].initial = partnerships.first()
        self.fields["file"].widget.attrs.update({"class": "govuk-file-upload", "accept": ".csv,.xlsx"})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            upload_checks.check_size(upload.size, max_bytes=MAX_UPLOAD_BYTES)
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload
