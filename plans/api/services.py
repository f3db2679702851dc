"""Writes behind the objectives API: an objective with its actions, outcomes, milestones and leads, in one go.

Nested lists replace the set: an item with the `id` of one of the objective's parts keeps (and
changes) that part, an item without an id is new, and a part left out is removed. A list left out
of the request leaves that set alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from csp.limits import text_limits_check

from ..models import Action, ExpectedOutcome, Milestone, Objective, ObjectiveLead
from ..services.leads import milestone_leads_set, objective_leads_set

PARTS: dict[str, type[models.Model]] = {
    "actions": Action,
    "outcomes": ExpectedOutcome,
    "milestones": Milestone,
    "leads": ObjectiveLead,
}
M2M_FIELDS = ("priorities", "indicators", "lead_agencies", "lead_groups")


def _sync_parts(*, objective: Objective, name: str, items: Sequence[Mapping[str, Any]]) -> None:
    if name == "leads":
        # The leads of an objective are replaced as a set by their own service (its validation, its history).
        try:
            objective_leads_set(objective, items, by=None)
        except ValidationError as error:
            raise ValidationError({"leads": _row_messages(error)}) from error
        return
    model = PARTS[name]
    existing = {part.pk: part for part in getattr(objective, name).all()}
    unknown = [item["id"] for item in items if item.get("id") is not None and item["id"] not in existing]
    if unknown:
        raise ValidationError({name: [f"{unknown[0]} is not the id of one of this objective's {name}."]})
    kept = {item["id"] for item in items if item.get("id") is not None}
    # Removed parts go first, so a kept or new part may take a number or person they held.
    getattr(objective, name).exclude(pk__in=kept).delete()
    for position, item in enumerate(items):
        fields = {key: value for key, value in item.items() if key not in ("id", "leads")}
        if "position" in {f.name for f in model._meta.fields}:
            fields.setdefault("position", position)
        if item.get("id") is not None:
            part = existing[item["id"]]
            for key, value in fields.items():
                setattr(part, key, value)
            text_limits_check(part)
            part.save()
        else:
            part = model(objective=objective, **fields)
            text_limits_check(part)
            part.save()
        if "leads" in item:
            _set_nested_leads(part, name, item["leads"])


def _set_nested_leads(part: models.Model, name: str, leads: Sequence[Mapping[str, Any]]) -> None:
    """A milestone's leads, through their service; its errors keyed under the milestone's place in the list."""
    try:
        milestone_leads_set(part, leads, by=None)
    except ValidationError as error:
        raise ValidationError({name: [f"Milestone '{part}': {m}" for m in _row_messages(error)]}) from error


def _row_messages(error: ValidationError) -> list[str]:
    """'leads-1-person: ...' as 'Lead 2, person: ...' (the API's lists count from 1 in words)."""
    messages = []
    for key, texts in error.message_dict.items():
        _, row, field = key.split("-", 2)
        messages += [f"Lead {int(row) + 1}, {field}: {text}" for text in texts]
    return messages


def _apply(*, objective: Objective, m2m: Mapping[str, Any], parts: Mapping[str, Any]) -> Objective:
    for name in M2M_FIELDS:
        if name in m2m:
            getattr(objective, name).set(m2m[name])
    for name in PARTS:
        if name in parts:
            _sync_parts(objective=objective, name=name, items=parts[name])
    return objective


@transaction.atomic
def objective_create_with_parts(
    *, fields: Mapping[str, Any], m2m: Mapping[str, Any], parts: Mapping[str, Any]
) -> Objective:
    """Create an objective with its actions, outcomes, milestones, leads and links, atomically."""
    objective = Objective(**fields)
    text_limits_check(objective)
    objective.save()
    return _apply(objective=objective, m2m=m2m, parts=parts)


@transaction.atomic
def objective_update_with_parts(
    *, objective: Objective, fields: Mapping[str, Any], m2m: Mapping[str, Any], parts: Mapping[str, Any]
) -> Objective:
    """Change an objective and replace the nested sets given, atomically."""
    for key, value in fields.items():
        setattr(objective, key, value)
    text_limits_check(objective)
    objective.save()
    return _apply(objective=objective, m2m=m2m, parts=parts)
