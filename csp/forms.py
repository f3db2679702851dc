"""Form helpers shared by every app's pages: GOV.UK wording, hints and the csp.limits text limits."""

from __future__ import annotations

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator

from .limits import text_limit, too_long_message

DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"]
DATE_HINT = "For example, 1/4/2025"
BLANK_ROWS = 2


class GovukFormMixin:
    """Hints and GOV.UK error wording shared by the editor's forms."""

    hints: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.hint = self.hints.get(name, getattr(field, "help_text", ""))
            if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.HiddenInput):
                self._limit(name, field)
            if field.required:
                field.error_messages["required"] = f"Enter {field.label[0].lower()}{field.label[1:]}"
            if isinstance(field, forms.DateField):
                field.input_formats = DATE_FORMATS
                field.error_messages["invalid"] = f"{field.label} must be a real date, like 1/4/2025"

    def _limit(self, name: str, field: forms.CharField) -> None:
        model = getattr(getattr(self, "Meta", None), "model", None) or getattr(self, "limit_model", None)
        if model is None:
            return
        try:
            limit = text_limit(model, name)
        except FieldDoesNotExist:
            return
        if limit is not None:
            field.max_length = None
            field.widget.attrs.pop("maxlength", None)
            field.validators = [v for v in field.validators if not hasattr(v, "limit_value")]
            # 'Theme must be 200 characters or fewer', not 'Theme (optional) must be ...'.
            label = (field.label or name).removesuffix(" (optional)")
            field.validators.append(MaxLengthValidator(limit, message=too_long_message(label, limit)))

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's ValidationError next to the fields it names (the rest above the form)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)
