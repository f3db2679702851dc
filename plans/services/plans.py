"""Writes of plan content: plans, sections, objectives and their actions, outcomes, milestones and leads.

Every page of the plan editor and the API's plan and objective endpoints call these, so the rules
(who may write, text limits, numbering, publishing) hold whatever surface a change comes from.
Each is one transaction; each names the user so the history says who changed what.

Nested lists replace the set: an item with the `id` of one of the objective's parts keeps (and
changes) that part, an item without an id is new, and a part left out is removed. A list left out
leaves that set alone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max

from csp.limits import text_limits_check
from csp.selectors import User
from csp.services import record_archive, reporting_periods_ensure

from ..models import Action, ExpectedOutcome, Milestone, Objective, ObjectiveLead, Plan, Section
from ..rules import plan_check_writable
from ..selectors.access import can_change_plan_content
from .leads import milestone_leads_set, objective_leads_set

PARTS: dict[str, type[models.Model]] = {
    "actions": Action,
    "outcomes": ExpectedOutcome,
    "milestones": Milestone,
    "leads": ObjectiveLead,
}
M2M_FIELDS = ("priorities", "indicators", "lead_agencies", "lead_groups")
PLAN_M2M_FIELDS = ("priorities",)


def _require_editor(user: User | None, partnership_id: int) -> None:
    # `user=None` is for trusted callers only (importers, the demo loader): pages and API always pass one.
    if user is not None and not can_change_plan_content(user, partnership_id):
        raise PermissionDenied("Only a coordinator of this partnership can change its plans.")


def _require_not_archived(plan: Plan) -> None:
    if plan.is_archived:
        raise ValidationError("This plan is archived: a coordinator restores it before it can be changed.")


def _require_content_writable(plan: Plan) -> None:
    """Sections and objectives: not of an archived plan, nor of one made read-only by next year's live plan."""
    _require_not_archived(plan)
    plan_check_writable(plan)


def _save(instance: models.Model, user: User | None, reason: str = "") -> None:
    text_limits_check(instance)
    if user is not None:
        # Named here, not left to the request middleware: an API token is authenticated after it has run.
        instance._history_user = user
    if reason:
        instance._change_reason = reason
    instance.save()


def _check_period(start: dt.date | None, end: dt.date | None) -> None:
    if start and end and end < start:
        raise ValidationError({"period_end": ["The end of the plan period must be the same as or after the start"]})


def _check_plan_title(*, partnership_id: int, title: str, exclude_pk: int | None = None) -> None:
    clash = Plan.objects.filter(partnership_id=partnership_id, title=title).exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"title": ["The partnership already has a plan with this title"]})


def _check_same_partnership(partnership_id: int, m2m: Mapping[str, Any], single: Mapping[str, Any]) -> None:
    for name, values in m2m.items():
        if any(getattr(value, "partnership_id", partnership_id) != partnership_id for value in values):
            raise ValidationError({name: ["Choose from this partnership's own records"]})
    for name, value in single.items():
        if value is not None and getattr(value, "partnership_id", partnership_id) != partnership_id:
            raise ValidationError({name: ["Choose from this partnership's own records"]})


# Plans


@transaction.atomic
def plan_create(
    *, user: User | None, fields: Mapping[str, Any], m2m: Mapping[str, Any] | None = None, reason: str = "Created"
) -> Plan:
    """Create a plan (a draft unless a status is given) with the priorities it addresses; `reason` for its history."""
    m2m = dict(m2m or {})
    plan = Plan(**fields)
    _require_editor(user, plan.partnership_id)
    _check_period(plan.period_start, plan.period_end)
    _check_plan_title(partnership_id=plan.partnership_id, title=plan.title)
    _check_same_partnership(
        plan.partnership_id, m2m, {"owning_group": plan.owning_group, "predecessor": plan.predecessor}
    )
    _save(plan, user, reason)
    for name in PLAN_M2M_FIELDS:
        if name in m2m:
            getattr(plan, name).set(m2m[name])
    return plan


@transaction.atomic
def plan_update(
    *, user: User | None, plan: Plan, fields: Mapping[str, Any], m2m: Mapping[str, Any] | None = None
) -> Plan:
    """Change a plan's settings and, when given, the priorities it addresses."""
    m2m = dict(m2m or {})
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _require_editor(user, plan.partnership_id)
    _require_not_archived(plan)
    publishing = plan.status == Plan.Status.DRAFT and fields.get("status") == Plan.Status.LIVE
    if publishing and (problems := plan_publish_problems(plan)):
        # Making a draft live (the API's PATCH of status) keeps the same rule as the publish page.
        raise ValidationError({"status": problems})
    if "partnership" in fields and fields["partnership"].pk != plan.partnership_id:
        raise ValidationError({"partnership": ["A plan cannot move to another partnership"]})
    for key, value in fields.items():
        setattr(plan, key, value)
    _check_period(plan.period_start, plan.period_end)
    _check_plan_title(partnership_id=plan.partnership_id, title=plan.title, exclude_pk=plan.pk)
    if plan.predecessor_id is not None and plan.predecessor_id == plan.pk:
        raise ValidationError({"predecessor": ["A plan cannot follow itself"]})
    _check_same_partnership(
        plan.partnership_id, m2m, {"owning_group": plan.owning_group, "predecessor": plan.predecessor}
    )
    _save(plan, user)
    for name in PLAN_M2M_FIELDS:
        if name in m2m:
            getattr(plan, name).set(m2m[name])
    if publishing:
        _ensure_quarters(plan)
    return plan


def plan_publish_problems(plan: Plan) -> list[str]:
    """What stops a draft plan being published, in words for the check-your-answers page (empty: ready)."""
    problems = []
    if plan.status != Plan.Status.DRAFT:
        problems.append("Only a draft plan can be published")
    if plan.is_archived:
        problems.append("An archived plan cannot be published")
    if not Objective.objects.filter(plan=plan, archived_at__isnull=True).exists():
        problems.append("Add at least one objective before publishing the plan")
    return problems


@transaction.atomic
def plan_publish(*, user: User | None, plan: Plan) -> Plan:
    """Make a draft plan live: lead officers can then update its objectives."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _require_editor(user, plan.partnership_id)
    problems = plan_publish_problems(plan)
    if problems:
        raise ValidationError({"status": problems})
    plan.status = Plan.Status.LIVE
    _save(plan, user, "Published")
    _ensure_quarters(plan)
    return plan


def _ensure_quarters(plan: Plan) -> None:
    # Lead officers update quarter by quarter: the plan's financial years get their quarters now.
    for financial_year in range(_financial_year(plan.period_start), _financial_year(plan.period_end) + 1):
        reporting_periods_ensure(partnership=plan.partnership, financial_year=financial_year)


def _financial_year(day: dt.date) -> int:
    """The year the financial year holding `day` starts in (April to March)."""
    return day.year if day.month >= 4 else day.year - 1


@transaction.atomic
def plan_archive(*, user: User, plan: Plan, reason: str) -> Plan:
    """Archive a plan (kept, with who, when and why), never delete it."""
    return record_archive(user=user, record=plan, reason=reason)


# Sections


def _next_position(queryset) -> int:
    highest = queryset.aggregate(highest=Max("position"))["highest"]
    return 0 if highest is None else highest + 1


def _check_section_title(*, plan_id: int, title: str, exclude_pk: int | None = None) -> None:
    if Section.objects.filter(plan_id=plan_id, title=title).exclude(pk=exclude_pk).exists():
        raise ValidationError({"title": ["The plan already has a section with this title"]})


@transaction.atomic
def section_create(*, user: User | None, plan: Plan, fields: Mapping[str, Any]) -> Section:
    """Add a section at the end of the plan."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _require_editor(user, plan.partnership_id)
    _require_content_writable(plan)
    section = Section(plan=plan, **fields)
    if "position" not in fields:
        section.position = _next_position(plan.sections.all())
    _check_section_title(plan_id=plan.pk, title=section.title)
    _check_same_partnership(plan.partnership_id, {}, {"priority": section.priority})
    _save(section, user)
    return section


@transaction.atomic
def section_update(*, user: User | None, section: Section, fields: Mapping[str, Any]) -> Section:
    """Change a section's number, title, priority or introduction."""
    section = Section.objects.select_for_update().select_related("plan").get(pk=section.pk)
    _require_editor(user, section.plan.partnership_id)
    _require_content_writable(section.plan)
    if "plan" in fields and fields["plan"].pk != section.plan_id:
        raise ValidationError({"plan": ["A section cannot move to another plan"]})
    for key, value in fields.items():
        setattr(section, key, value)
    _check_section_title(plan_id=section.plan_id, title=section.title, exclude_pk=section.pk)
    _check_same_partnership(section.plan.partnership_id, {}, {"priority": section.priority})
    _save(section, user)
    return section


def _swap(*, user: User | None, rows: list, pk: int, direction: str) -> None:
    """Move the row `pk` one place up or down among `rows` (already ordered), renumbering them 0..n-1."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": ["Move up or down"]})
    index = next(i for i, row in enumerate(rows) if row.pk == pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            _save(row, user, "Moved")


@transaction.atomic
def section_move(*, user: User | None, section: Section, direction: str) -> None:
    """Move a section one place up or down in its plan."""
    plan = Plan.objects.select_for_update().get(pk=section.plan_id)
    _require_editor(user, plan.partnership_id)
    _require_content_writable(plan)
    _swap(user=user, rows=list(plan.sections.order_by("position", "id")), pk=section.pk, direction=direction)


# Objectives and their parts


def _check_parts(parts: Mapping[str, Any]) -> None:
    numbers = Counter(item["number"] for item in parts.get("outcomes", []))
    if any(count > 1 for count in numbers.values()):
        raise ValidationError({"outcomes": ["Each expected outcome has its own number"]})
    for item in parts.get("outcomes", []):
        if item.get("target_value") is not None and item["target_value"] < 0:
            raise ValidationError({"outcomes": ["A target must be 0 or more"]})
        if item.get("budget") is not None and item["budget"] < 0:
            raise ValidationError({"outcomes": ["A budget must be £0 or more"]})
    for item in parts.get("milestones", []):
        if item.get("cost_amount") is not None and item["cost_amount"] < 0:
            raise ValidationError({"milestones": ["A milestone's cost must be £0 or more"]})


def _check_objective(objective: Objective) -> None:
    if objective.section_id is not None and objective.section.plan_id != objective.plan_id:
        raise ValidationError({"section": ["The section must be one of the objective's plan"]})
    if objective.state == Objective.State.STRUCK:
        if not objective.struck_on:
            raise ValidationError({"struck_on": ["Give the date the objective was struck"]})
        if not objective.struck_reason.strip():
            raise ValidationError({"struck_reason": ["Give the reason the objective was struck"]})
    if objective.cost_amount is not None and objective.cost_amount < 0:
        raise ValidationError({"cost_amount": ["The cost must be £0 or more"]})
    if objective.ref:
        clash = Objective.objects.filter(plan_id=objective.plan_id, ref=objective.ref).exclude(pk=objective.pk)
        if clash.exists():
            raise ValidationError({"ref": ["Another objective of this plan has this reference"]})


def _row_messages(error: ValidationError) -> list[str]:
    """'leads-1-person: ...' as 'Lead 2, person: ...' (lists count from 1 in words)."""
    messages = []
    for key, texts in error.message_dict.items():
        parts = key.split("-", 2)
        if len(parts) == 3:
            messages += [f"Lead {int(parts[1]) + 1}, {parts[2]}: {text}" for text in texts]
        else:
            messages += list(texts)
    return messages


def _sync_parts(*, user: User | None, objective: Objective, name: str, items: Sequence[Mapping[str, Any]]) -> None:
    if name == "leads":
        # An objective's leads are replaced as a set by their own service (its validation, its history).
        try:
            objective_leads_set(objective, items, by=user)
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
    for part in existing.values():
        if part.pk not in kept:
            if user is not None:
                part._history_user = user
            part.delete()
    has_position = "position" in {f.name for f in model._meta.fields}
    for position, item in enumerate(items):
        fields = {key: value for key, value in item.items() if key not in ("id", "leads")}
        if has_position:
            fields.setdefault("position", position)
        if item.get("id") is not None:
            part = existing[item["id"]]
            for key, value in fields.items():
                setattr(part, key, value)
        else:
            part = model(objective=objective, **fields)
        _save(part, user)
        if "leads" in item:
            # A milestone's leads, through their service; errors named by the milestone.
            try:
                milestone_leads_set(part, item["leads"], by=user)
            except ValidationError as error:
                raise ValidationError({name: [f"Milestone '{part}': {m}" for m in _row_messages(error)]}) from error


def _apply(*, user: User | None, objective: Objective, m2m: Mapping[str, Any], parts: Mapping[str, Any]) -> Objective:
    _check_same_partnership(objective.plan.partnership_id, m2m, {})
    for name in M2M_FIELDS:
        if name in m2m:
            getattr(objective, name).set(m2m[name])
    _check_parts(parts)
    for name in PARTS:
        if name in parts:
            _sync_parts(user=user, objective=objective, name=name, items=parts[name])
    return objective


@transaction.atomic
def objective_create(
    *,
    user: User | None,
    fields: Mapping[str, Any],
    m2m: Mapping[str, Any] | None = None,
    parts: Mapping[str, Any] | None = None,
) -> Objective:
    """Create an objective (at the end of its plan) with its actions, outcomes, milestones, leads and links."""
    objective = Objective(**fields)
    plan = Plan.objects.select_for_update().get(pk=objective.plan_id)
    _require_editor(user, plan.partnership_id)
    _require_content_writable(plan)
    if "position" not in fields:
        objective.position = _next_position(plan.objectives.all())
    _check_objective(objective)
    _save(objective, user, "Created")
    return _apply(user=user, objective=objective, m2m=m2m or {}, parts=parts or {})


@transaction.atomic
def objective_update(
    *,
    user: User | None,
    objective: Objective,
    fields: Mapping[str, Any],
    m2m: Mapping[str, Any] | None = None,
    parts: Mapping[str, Any] | None = None,
) -> Objective:
    """Change an objective and replace the nested sets given."""
    objective = Objective.objects.select_for_update().select_related("plan").get(pk=objective.pk)
    _require_editor(user, objective.plan.partnership_id)
    _require_content_writable(objective.plan)
    if objective.is_archived:
        raise ValidationError("This objective is archived: a coordinator restores it before it can be changed.")
    if "plan" in fields and fields["plan"].pk != objective.plan_id:
        raise ValidationError({"plan": ["An objective cannot move to another plan"]})
    for key, value in fields.items():
        setattr(objective, key, value)
    _check_objective(objective)
    _save(objective, user)
    return _apply(user=user, objective=objective, m2m=m2m or {}, parts=parts or {})


@transaction.atomic
def objective_move(*, user: User | None, objective: Objective, direction: str) -> None:
    """Move an objective one place up or down in its plan (archived ones keep their place but are skipped)."""
    plan = Plan.objects.select_for_update().get(pk=objective.plan_id)
    _require_editor(user, plan.partnership_id)
    _require_content_writable(plan)
    rows = list(plan.objectives.filter(archived_at__isnull=True).order_by("position", "id"))
    _swap(user=user, rows=rows, pk=objective.pk, direction=direction)


@transaction.atomic
def objective_strike(*, user: User | None, objective: Objective, reason: str, on: dt.date) -> Objective:
    """Strike an objective from the plan: it stays in the plan, struck through, with the date and reason."""
    objective = Objective.objects.select_for_update().select_related("plan").get(pk=objective.pk)
    _require_editor(user, objective.plan.partnership_id)
    _require_content_writable(objective.plan)
    if objective.state == Objective.State.STRUCK:
        raise ValidationError({"struck_reason": ["This objective is already struck from the plan"]})
    if not reason.strip():
        raise ValidationError({"struck_reason": ["Enter the reason the objective is struck from the plan"]})
    objective.state = Objective.State.STRUCK
    objective.struck_on = on
    objective.struck_reason = reason.strip()
    _save(objective, user, f"Struck: {objective.struck_reason}")
    return objective


@transaction.atomic
def objective_archive(*, user: User, objective: Objective, reason: str) -> Objective:
    """Archive an objective (entered by mistake): kept with who, when and why, gone from lists and reports."""
    if not reason.strip():
        raise ValidationError({"reason": ["Enter why the objective is being archived"]})
    return record_archive(user=user, record=objective, reason=reason)
