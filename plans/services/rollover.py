"""The yearly cycle: start next year's plan from this year's, carrying open objectives forward.

The successor is a draft with `predecessor` set; each carried objective points back through
`carried_forward_from`. The old plan becomes read-only when the successor goes live
(`plans.rules.plan_is_read_only`), not before: Q4 updates and their review still happen on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from csp.limits import text_limits_check
from csp.models import ReportingPeriod
from csp.selectors import User
from csp.services import reporting_periods_ensure

from ..models import Objective, ObjectiveLead, Plan, Section
from ..rules import carries_forward_q, objective_carry_forward_reason
from ..selectors.access import can_change_plan_content

# Fields a copy never takes from its original: identity, bookkeeping and the archive.
_NOT_COPIED = {"id", "created_at", "updated_at", "archived_at", "archived_by", "archive_reason"}


@dataclass(frozen=True)
class RolloverPreview:
    """What starting next year's plan would do: the objectives that carry and those that stay, with why."""

    carried: list[Objective]
    left: list[tuple[Objective, str]]
    financial_year: int
    title: str


def financial_year_of(day: dt.date) -> int:
    """The financial year (its starting year) a day falls in: April 2014 to March 2015 is 2014."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(financial_year: int) -> str:
    """How plans write a financial year: 2015 -> '2015/16'."""
    return f"{financial_year}/{(financial_year + 1) % 100:02d}"


def _next_year_dates(plan: Plan) -> tuple[dt.date, dt.date, int]:
    """The successor covers the financial year after the one the old plan ends in."""
    financial_year = financial_year_of(plan.period_end) + 1
    return dt.date(financial_year, 4, 1), dt.date(financial_year + 1, 3, 31), financial_year


def _default_title(plan: Plan, financial_year: int) -> str:
    label = financial_year_label(financial_year)
    if plan.period_label and plan.period_label in plan.title:
        return plan.title.replace(plan.period_label, label)
    return f"{plan.title} {label}"


def _copy_row(row: models.Model, **overrides) -> models.Model:
    """A new row with every concrete field of `row` (foreign keys by id) but its identity, then `overrides`."""
    values = {
        f.attname: getattr(row, f.attname)
        for f in row._meta.concrete_fields
        if not f.primary_key and f.name not in _NOT_COPIED
    }
    values.update(overrides)
    copy = type(row)(**values)
    text_limits_check(copy)
    copy.save()
    for m2m in row._meta.many_to_many:
        if m2m.remote_field.through._meta.auto_created:
            getattr(copy, m2m.name).set(getattr(row, m2m.name).all())
    return copy


def _copy_leads(old_objective: Objective, new_objective: Objective) -> None:
    """Copy every lead of an objective, field by field, so a change in ObjectiveLead's shape is copied too."""
    for lead in ObjectiveLead.objects.filter(objective=old_objective).order_by("pk"):
        _copy_row(lead, objective_id=new_objective.pk)


def _copy_objective(objective: Objective, *, plan: Plan, section_ids: dict[int, int], by: User) -> Objective:
    overrides = {
        "plan_id": plan.pk,
        "section_id": section_ids.get(objective.section_id),
        "state": Objective.State.ACTIVE,
        "completed_on": None,
        "struck_on": None,
        "struck_reason": "",
        "carried_forward_from_id": objective.pk,
    }
    values = {
        f.attname: getattr(objective, f.attname)
        for f in Objective._meta.concrete_fields
        if not f.primary_key and f.name not in _NOT_COPIED
    }
    values.update(overrides)
    new = Objective(**values)
    new._history_user = by
    new._change_reason = f"Carried forward from {objective.plan.title}"
    text_limits_check(new)
    new.save()
    for name in ("priorities", "indicators", "lead_agencies", "lead_groups"):
        getattr(new, name).set(getattr(objective, name).all())
    for action in objective.actions.order_by("position", "pk"):
        _copy_row(action, objective_id=new.pk)
    for outcome in objective.outcomes.order_by("number"):
        _copy_row(outcome, objective_id=new.pk)
    for milestone in objective.milestones.filter(completed_on__isnull=True).order_by("position", "pk"):
        copied = _copy_row(milestone, objective_id=new.pk)
        for lead in milestone.leads.all():
            _copy_row(lead, milestone_id=copied.pk)
    _copy_leads(objective, new)
    return new


def plan_rollover_preview(plan: Plan, *, title: str | None = None) -> RolloverPreview:
    """Which objectives would carry forward into next year's plan, and why the others would not."""
    _, _, financial_year = _next_year_dates(plan)
    carried, left = [], []
    for objective in plan.objectives.order_by("position", "pk"):
        reason = objective_carry_forward_reason(objective)
        if reason is None:
            carried.append(objective)
        else:
            left.append((objective, reason))
    return RolloverPreview(
        carried=carried, left=left, financial_year=financial_year, title=title or _default_title(plan, financial_year)
    )


def plan_successor(plan: Plan) -> Plan | None:
    """The plan started from this one (not archived), if any."""
    return Plan.objects.filter(predecessor_id=plan.pk, archived_at__isnull=True).first()


@transaction.atomic
def plan_start_next_year(plan: Plan, *, by: User, title: str | None = None) -> Plan:
    """Create next year's draft plan from `plan`, carrying forward objectives neither complete nor struck.

    Copies the plan's priorities and sections, and of each carried objective its links, actions,
    outcomes, milestones not yet completed and leads; ensures the new year's reporting periods.
    Refuses a plan that already has a successor. One transaction: all of it or none.
    """
    if not can_change_plan_content(by, plan.partnership_id):
        raise PermissionDenied("Only a coordinator of this partnership can start next year's plan.")
    # The row lock makes two coordinators pressing the button at once start one plan, not two.
    plan = Plan.objects.select_for_update().select_related("partnership").get(pk=plan.pk)
    if plan.archived_at is not None:
        raise ValidationError("This plan is archived; restore it before starting next year's plan from it.")
    if plan.status == Plan.Status.DRAFT:
        raise ValidationError("This plan is still a draft. Make it live before starting next year's plan from it.")
    successor = plan_successor(plan)
    if successor is not None:
        raise ValidationError(f"Next year's plan has already been started from this plan: {successor.title}.")
    start, end, financial_year = _next_year_dates(plan)
    title = (title or "").strip() or _default_title(plan, financial_year)
    if Plan.objects.filter(partnership_id=plan.partnership_id, title=title).exists():
        raise ValidationError({"title": [f"The partnership already has a plan called {title}. Choose another title."]})
    periods = reporting_periods_ensure(partnership=plan.partnership, financial_year=financial_year)
    first_quarter = next(p for p in periods if p.kind == ReportingPeriod.Kind.QUARTER and p.number == 1)
    values = {
        f.attname: getattr(plan, f.attname)
        for f in Plan._meta.concrete_fields
        if not f.primary_key and f.name not in _NOT_COPIED
    }
    values.update(
        title=title,
        status=Plan.Status.DRAFT,
        period_start=start,
        period_end=end,
        period_label=financial_year_label(financial_year),
        review_date=None,
        review_date_text="",
        predecessor_id=plan.pk,
        current_period_id=first_quarter.pk,
    )
    new_plan = Plan(**values)
    new_plan._history_user = by
    new_plan._change_reason = f"Started from {plan.title}"
    text_limits_check(new_plan)
    new_plan.save()
    new_plan.priorities.set(plan.priorities.all())
    section_ids = {}
    for section in Section.objects.filter(plan=plan).order_by("position", "pk"):
        section_ids[section.pk] = _copy_row(section, plan_id=new_plan.pk).pk
    for objective in plan.objectives.filter(carries_forward_q()).order_by("position", "pk"):
        _copy_objective(objective, plan=new_plan, section_ids=section_ids, by=by)
    return new_plan
