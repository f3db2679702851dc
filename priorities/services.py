"""Writes of priorities with their narratives, themes and indicators: for the editor pages and the API alike.

Themes given replace the set (an item with the id of one of the priority's themes keeps and changes
it; one without is new; one left out is removed). Indicators given are added or changed but never
removed here: an indicator carries its readings, so it leaves only by its own deliberate change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from csp.limits import text_limits_check
from csp.selectors import EDITOR_ROLES, User, has_role

from .models import Indicator, Priority, Theme

PRIORITY_M2M_FIELDS = ("lead_agencies",)


def _require_editor(user: User | None, partnership_id: int) -> None:
    # `user=None` is for trusted callers only (importers, the demo loader): pages and API always pass one.
    if user is not None and not has_role(user, partnership_id, *EDITOR_ROLES):
        raise PermissionDenied("Only a coordinator of this partnership can change its priorities.")


def _save(instance: models.Model, user: User | None) -> None:
    text_limits_check(instance)
    if user is not None:
        instance._history_user = user
    instance.save()


def _check_priority(priority: Priority) -> None:
    if priority.period_start and priority.period_end and priority.period_end < priority.period_start:
        raise ValidationError({"period_end": ["The end of the period must be the same as or after the start"]})
    clash = Priority.objects.filter(
        partnership_id=priority.partnership_id, period_start=priority.period_start, code=priority.code
    ).exclude(pk=priority.pk)
    if clash.exists():
        raise ValidationError({"code": ["Another priority of this period has this code"]})


def _replace_themes(*, user: User | None, priority: Priority, themes: Sequence[Mapping[str, Any]]) -> None:
    titles = Counter(item["title"] for item in themes)
    if any(count > 1 for count in titles.values()):
        raise ValidationError({"themes": ["Each theme of a priority needs its own title"]})
    existing = {theme.pk: theme for theme in priority.themes.all()}
    unknown = [item["id"] for item in themes if item.get("id") and item["id"] not in existing]
    if unknown:
        raise ValidationError({"themes": [f"Theme {unknown[0]} is not a theme of this priority."]})
    kept = {item["id"] for item in themes if item.get("id")}
    for theme in existing.values():
        if theme.pk not in kept:
            if user is not None:
                theme._history_user = user
            theme.delete()
    for position, item in enumerate(themes):
        fields = {key: value for key, value in item.items() if key != "id"}
        fields.setdefault("position", position)
        theme = existing[item["id"]] if item.get("id") else Theme(priority=priority)
        for key, value in fields.items():
            setattr(theme, key, value)
        _save(theme, user)


def _save_indicators(*, user: User | None, priority: Priority, indicators: Sequence[Mapping[str, Any]]) -> None:
    existing = {indicator.pk: indicator for indicator in priority.indicators.all()}
    unknown = [item["id"] for item in indicators if item.get("id") and item["id"] not in existing]
    if unknown:
        raise ValidationError({"indicators": [f"Indicator {unknown[0]} is not an indicator of this priority."]})
    names = Counter(item["name"] for item in indicators)
    if any(count > 1 for count in names.values()):
        raise ValidationError({"indicators": ["Each indicator of a priority needs its own name"]})
    for item in indicators:
        fields = {key: value for key, value in item.items() if key != "id"}
        indicator = (
            existing[item["id"]] if item.get("id") else Indicator(partnership=priority.partnership, priority=priority)
        )
        for key, value in fields.items():
            setattr(indicator, key, value)
        _save(indicator, user)


def _apply(
    *,
    user: User | None,
    priority: Priority,
    m2m: Mapping[str, Any],
    themes: Sequence[Mapping[str, Any]] | None,
    indicators: Sequence[Mapping[str, Any]] | None,
) -> Priority:
    for name in PRIORITY_M2M_FIELDS:
        if name in m2m:
            if any(value.partnership_id != priority.partnership_id for value in m2m[name]):
                raise ValidationError({name: ["Choose from this partnership's own records"]})
            getattr(priority, name).set(m2m[name])
    if themes is not None:
        _replace_themes(user=user, priority=priority, themes=themes)
    if indicators is not None:
        _save_indicators(user=user, priority=priority, indicators=indicators)
    return priority


@transaction.atomic
def priority_create(
    *,
    user: User | None,
    fields: Mapping[str, Any],
    m2m: Mapping[str, Any] | None = None,
    themes: Sequence[Mapping[str, Any]] | None = None,
    indicators: Sequence[Mapping[str, Any]] | None = None,
) -> Priority:
    """Create a priority with its narratives, themes and indicators."""
    priority = Priority(**fields)
    _require_editor(user, priority.partnership_id)
    _check_priority(priority)
    _save(priority, user)
    return _apply(user=user, priority=priority, m2m=m2m or {}, themes=themes, indicators=indicators)


@transaction.atomic
def priority_update(
    *,
    user: User | None,
    priority: Priority,
    fields: Mapping[str, Any],
    m2m: Mapping[str, Any] | None = None,
    themes: Sequence[Mapping[str, Any]] | None = None,
    indicators: Sequence[Mapping[str, Any]] | None = None,
) -> Priority:
    """Change a priority; themes given replace the set, indicators given are added or changed."""
    priority = Priority.objects.select_for_update().get(pk=priority.pk)
    _require_editor(user, priority.partnership_id)
    if "partnership" in fields and fields["partnership"].pk != priority.partnership_id:
        raise ValidationError({"partnership": ["A priority cannot move to another partnership"]})
    for key, value in fields.items():
        setattr(priority, key, value)
    _check_priority(priority)
    _save(priority, user)
    return _apply(user=user, priority=priority, m2m=m2m or {}, themes=themes, indicators=indicators)
