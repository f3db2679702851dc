"""The one table of text limits: how long each free-text field may be, used by forms, serializers and services.

CharFields keep their database max_length; every TextField has a limit here (its own, or the
default), so nothing a person types is unbounded. docs/api.md lists them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import models

# 'app.model.field' -> most characters. Fields a lead officer or reviewer writes each quarter first.
TEXT_LIMITS: dict[str, int] = {
    "plans.quarterlyupdate.progress": 10_000,
    "plans.quarterlyupdate.rag_note": 5_000,
    "plans.quarterlyupdate.review_comment": 5_000,
    "plans.outcomestatus.note": 5_000,
    "plans.review.comment": 5_000,
    "plans.comment.text": 5_000,
    "plans.escalation.note": 5_000,
    "plans.escalation.resolution": 5_000,
    "plans.changeproposal.reason": 5_000,
    "plans.changeproposal.proposed_change": 5_000,
    "plans.changeproposal.decision_note": 5_000,
    "plans.changeproposal.proposed_title": 2_000,
    "plans.changeproposal.proposed_target_and_indicator": 5_000,
    "plans.changeproposal.proposed_how_measured": 5_000,
    "plans.objective.title": 2_000,
    "plans.meetingdecision.text": 5_000,
    "plans.actionlogitem.text": 2_000,
    "plans.action.text": 5_000,
    "plans.expectedoutcome.text": 5_000,
    "plans.milestone.text": 5_000,
    "reporting.reportjob.html_snapshot": 5_000_000,
}
# Any other TextField: plan introductions, narratives, notes.
DEFAULT_TEXT_LIMIT = 20_000


def text_limit(model: type[models.Model], field_name: str) -> int | None:
    """Most characters the field may hold: the table's entry, a CharField's max_length, else the default."""
    field = model._meta.get_field(field_name)
    if isinstance(field, models.TextField):
        return TEXT_LIMITS.get(f"{model._meta.label_lower}.{field_name}", DEFAULT_TEXT_LIMIT)
    if isinstance(field, models.CharField):
        return field.max_length
    return None


def too_long_message(label: str, limit: int) -> str:
    """The GOV.UK wording: '<Label> must be 10,000 characters or fewer'."""
    return f"{label} must be {limit:,} characters or fewer"


def text_limit_errors(
    model: type[models.Model], values: Mapping[str, object], *, keys: Mapping[str, str] | None = None
) -> dict[str, list[str]]:
    """Errors for the values longer than their field allows, keyed by field name (or by `keys[field]`)."""
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        limit = text_limit(model, name)
        if limit is not None and isinstance(value, str) and len(value) > limit:
            label = str(model._meta.get_field(name).verbose_name).capitalize()
            errors.setdefault((keys or {}).get(name, name), []).append(too_long_message(label, limit))
    return errors


def text_fields(model: type[models.Model]) -> Iterable[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]


def text_limits_check(instance: models.Model) -> None:
    """Raise ValidationError if any text field of the instance is longer than allowed (for every write path)."""
    model = type(instance)
    errors = text_limit_errors(model, {name: getattr(instance, name) for name in text_fields(model)})
    if errors:
        raise ValidationError(errors)


def text_length_check(model: type[models.Model], field_name: str, value: str, label: str) -> None:
    """Raise ValidationError('<Label> must be N characters or fewer') if `value` is longer than the field allows."""
    limit = text_limit(model, field_name)
    if limit is not None and len(value or "") > limit:
        raise ValidationError(too_long_message(label, limit))
