"""Writes of the leads of objectives and milestones, as the plan writes them.

A lead is {person (optional), job title as written in this plan, organisation, group, kind}; an objective
or milestone has several, and one person may lead for two organisations. A set given replaces the set, in
one transaction, row by row so django-simple-history keeps every removal and addition.

Errors are keyed `leads-<row>-<field>` (the names of the leads page's formset fields), or `leads` for the
whole set; a plan made read-only by next year's live plan refuses the write (`plan_check_writable`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from csp.limits import too_long_message
from csp.models import Agency, Group, Person
from csp.selectors import User

from ..models import LeadKind, Milestone, MilestoneLead, Objective, ObjectiveLead
from ..rules import plan_check_writable
from ..selectors.access import can_change_plan_content

LEAD_PARTS = ("person", "job_title", "agency", "group", "kind")
NO_PART_MESSAGE = "Give a person, a job title, an organisation or a group"
JOB_TITLE_LIMIT = ObjectiveLead._meta.get_field("job_title").max_length


def _key(row: int, name: str) -> str:
    return f"leads-{row}-{name}"


def _resolve(model: type[models.Model], value: Any, partnership_id: int) -> tuple[models.Model | None, bool]:
    """The row of this partnership a value (a row or its pk) names; (None, False) if it names another's."""
    if value in (None, ""):
        return None, True
    if isinstance(value, model):
        return value, value.partnership_id == partnership_id
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None, False
    found = model.objects.filter(partnership_id=partnership_id, pk=pk).first()
    return found, found is not None


def clean_leads(leads: Sequence[Mapping[str, Any]], partnership_id: int) -> list[dict]:
    """The leads checked and resolved to rows of the partnership; a ValidationError keyed by row and field."""
    errors: dict[str, list[str]] = {}
    cleaned: list[dict] = []
    seen: dict[tuple, int] = {}
    for row, lead in enumerate(leads):
        unknown = set(lead) - set(LEAD_PARTS) - {"id", "position"}
        if unknown:
            errors[_key(row, sorted(unknown)[0])] = ["A lead has a person, job_title, agency, group and kind only"]
            continue
        item: dict[str, Any] = {}
        for name, model, noun in (
            ("person", Person, "person"),
            ("agency", Agency, "organisation"),
            ("group", Group, "group"),
        ):
            found, ok = _resolve(model, lead.get(name), partnership_id)
            if not ok:
                errors[_key(row, name)] = [f"Choose a {noun} of this partnership"]
            item[name] = found
        job_title = (lead.get("job_title") or "").strip()
        if len(job_title) > JOB_TITLE_LIMIT:
            errors[_key(row, "job_title")] = [too_long_message("Job title", JOB_TITLE_LIMIT)]
        item["job_title"] = job_title
        kind = lead.get("kind") or LeadKind.LEAD
        if kind not in LeadKind.values:
            errors[_key(row, "kind")] = ["Choose lead, reporting officer or in conjunction with"]
        item["kind"] = kind
        if not any((item["person"], job_title, item["agency"], item["group"])) and _key(row, "person") not in errors:
            errors[_key(row, "person")] = [NO_PART_MESSAGE]
        if item["person"] is not None:
            pair = (item["person"].pk, item["agency"].pk if item["agency"] else None)
            if pair in seen:
                errors[_key(row, "person")] = [
                    f"{item['person'].name} already leads for this organisation in row {seen[pair] + 1}"
                ]
            seen.setdefault(pair, row)
        cleaned.append(item)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _replace(owner_field: str, owner: models.Model, model: type[models.Model], cleaned: list[dict], by) -> list:
    for old in model.objects.filter(**{owner_field: owner}):
        old._history_user = by
        old.delete()
    rows = []
    for position, item in enumerate(cleaned, start=1):
        lead = model(**{owner_field: owner}, position=position, **item)
        lead._history_user = by
        lead.save()
        rows.append(lead)
    return rows


def _check_may_change(by: User | None, partnership_id: int) -> None:
    if by is not None and not can_change_plan_content(by, partnership_id):
        raise PermissionDenied("Only a coordinator of this partnership can change the leads of its plans.")


@transaction.atomic
def objective_leads_set(
    objective: Objective, leads: Sequence[Mapping[str, Any]], *, by: User | None
) -> list[ObjectiveLead]:
    """Replace an objective's leads with `leads` (dicts of person, job_title, agency, group, kind), in order.

    `by` is the user changing them (a coordinator of the partnership), or None for a service acting for one
    already checked (the API's nested writes).
    """
    objective = Objective.objects.select_for_update().select_related("plan").get(pk=objective.pk)
    _check_may_change(by, objective.plan.partnership_id)
    plan_check_writable(objective.plan)
    cleaned = clean_leads(leads, objective.plan.partnership_id)
    return _replace("objective", objective, ObjectiveLead, cleaned, by)


@transaction.atomic
def milestone_leads_set(
    milestone: Milestone, leads: Sequence[Mapping[str, Any]], *, by: User | None
) -> list[MilestoneLead]:
    """Replace a milestone's leads, as `objective_leads_set` does an objective's."""
    milestone = Milestone.objects.select_for_update().select_related("objective__plan").get(pk=milestone.pk)
    partnership_id = milestone.objective.plan.partnership_id
    _check_may_change(by, partnership_id)
    plan_check_writable(milestone.objective.plan)
    cleaned = clean_leads(leads, partnership_id)
    return _replace("milestone", milestone, MilestoneLead, cleaned, by)
