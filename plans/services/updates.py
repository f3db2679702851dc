"""Writes of quarterly updates (the reminders that chase them are in plans/services/reminders.py).

Who may write, what a complete update is, and when an update is late are decided here; views
only parse the form and call these functions.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from csp.limits import text_limit, too_long_message
from csp.models import RagStatus, ReportingPeriod
from csp.selectors import User
from priorities.selectors import suggestions_for_outcomes

from ..models import Objective, OutcomeStatus, QuarterlyUpdate
from ..rules import plan_check_writable, update_period_error
from ..selectors.access import can_edit_update
from .notifications import notify_update_submitted

logger = logging.getLogger(__name__)

STATUSES_NEEDING_A_NOTE = (RagStatus.RED, RagStatus.AMBER)
SET_STATUSES = (RagStatus.GREEN, RagStatus.AMBER, RagStatus.RED)


class UpdateLocked(Exception):
    """The update is submitted or approved: it cannot change until a reviewer returns it."""


class StaleUpdate(Exception):
    """Someone saved the update after this form was opened; nothing was overwritten."""

    def __init__(self, current: QuarterlyUpdate):
        super().__init__("This update was changed by someone else since you opened it.")
        self.current = current


@dataclass
class OutcomeInput:
    rag_status: str = RagStatus.NOT_UPDATED
    note: str = ""


@dataclass
class UpdateInput:
    """What a lead officer typed into the update form."""

    progress: str = ""
    rag_status: str = RagStatus.NOT_UPDATED
    rag_note: str = ""
    spend_to_date: Decimal | None = None
    outcomes: dict[int, OutcomeInput] = field(default_factory=dict)
    milestone_ids: list[int] = field(default_factory=list)


def update_completeness_errors(
    *, objective: Objective, data: UpdateInput, period: ReportingPeriod | None = None
) -> dict[str, list[str]]:
    """What is missing before an update can be submitted, keyed by form field name.

    With the period, an outcome whose indicator suggests another status than the one chosen needs
    a note saying why (issue 14: a lead cannot call a red figure green without a reason)."""
    errors: dict[str, list[str]] = {}
    outcomes = list(objective.outcomes.all())
    suggestions = suggestions_for_outcomes(outcomes, period) if period is not None else {}
    if not data.progress.strip():
        errors["progress"] = ["Enter the progress made this quarter"]
    if data.rag_status not in SET_STATUSES:
        errors["rag_status"] = ["Select the overall status: green, amber or red"]
    elif data.rag_status in STATUSES_NEEDING_A_NOTE and not data.rag_note.strip():
        errors["rag_note"] = [f"Enter why the overall status is {data.rag_status}"]
    for outcome in outcomes:
        given = data.outcomes.get(outcome.pk, OutcomeInput())
        suggested = suggestions[outcome.pk].status if outcome.pk in suggestions else None
        if given.rag_status not in SET_STATUSES:
            errors[f"outcome-{outcome.pk}-rag_status"] = [f"Select a status for outcome {outcome.number}"]
        elif given.rag_status in STATUSES_NEEDING_A_NOTE and not given.note.strip():
            errors[f"outcome-{outcome.pk}-note"] = [f"Enter why outcome {outcome.number} is {given.rag_status}"]
        elif suggested and suggested != given.rag_status and not given.note.strip():
            errors[f"outcome-{outcome.pk}-note"] = [
                f"The indicator suggests {suggested} for outcome {outcome.number}: enter why it is {given.rag_status}"
            ]
    return errors


def update_limit_errors(*, data: UpdateInput) -> dict[str, list[str]]:
    """Text longer than csp.limits allows, keyed by form field name (checked on every save, draft or not)."""
    errors: dict[str, list[str]] = {}
    checks = [
        ("progress", data.progress, QuarterlyUpdate, "progress", "Progress"),
        ("rag_note", data.rag_note, QuarterlyUpdate, "rag_note", "The reason for the status"),
    ]
    checks += [
        (f"outcome-{outcome_id}-note", given.note, OutcomeStatus, "note", "The outcome note")
        for outcome_id, given in data.outcomes.items()
    ]
    for key, value, model, field_name, label in checks:
        limit = text_limit(model, field_name)
        if limit is not None and len(value or "") > limit:
            errors[key] = [too_long_message(label, limit)]
    return errors


def _locked_update(*, objective: Objective, period: ReportingPeriod, version: int) -> QuarterlyUpdate:
    """The update row, locked for this transaction, if the form's version is still the saved one."""
    if objective.archived_at is not None:
        raise UpdateLocked("This item is archived: its updates cannot be written until a coordinator restores it.")
    # Only this row (`of`), and no join to lock: the model's ordering would join the objective, plan and
    # partnership, and FOR UPDATE then locked the partnership row too, so two lead officers of one
    # partnership submitting at once could deadlock (seen in `make cluster-test`).
    update = (
        QuarterlyUpdate.objects.select_for_update(of=("self",))
        .filter(objective=objective, period=period)
        .order_by("pk")
        .first()
    )
    if update is None:
        if version != 0:
            raise StaleUpdate(current=None)  # deleted meanwhile: rare, and still not to be written blindly
        try:
            with transaction.atomic():
                return QuarterlyUpdate.objects.create(objective=objective, period=period, version=0)
        except IntegrityError:
            # Someone created it between our read and our insert.
            raise StaleUpdate(current=QuarterlyUpdate.objects.get(objective=objective, period=period)) from None
    if update.version != version:
        raise StaleUpdate(current=update)
    if not update.is_editable:
        raise UpdateLocked(f"The {period} update is {update.get_state_display().lower()} and cannot be changed.")
    if update.archived_at is not None:
        raise UpdateLocked(f"The {period} update is archived and cannot be changed until a coordinator restores it.")
    return update


def _write(
    *, update: QuarterlyUpdate, objective: Objective, data: UpdateInput, user: User, state: str
) -> QuarterlyUpdate:
    outcomes = {o.pk: o for o in objective.outcomes.all()}
    existing = {s.outcome_id: s for s in update.outcome_statuses.all()}
    for outcome_id, given in data.outcomes.items():
        if outcome_id not in outcomes:
            continue
        status = existing.get(outcome_id) or OutcomeStatus(update=update, outcome=outcomes[outcome_id])
        if status.pk is None or (status.rag_status, status.note) != (given.rag_status, given.note):
            status.rag_status = given.rag_status
            status.note = given.note
            status.save()
    milestones = objective.milestones.filter(pk__in=data.milestone_ids)
    update.milestones_met.set(milestones)
    update.progress = data.progress
    update.rag_status = data.rag_status
    update.rag_note = data.rag_note
    update.spend_to_date = data.spend_to_date
    update.state = state
    update.author = user
    update.version += 1
    # Saved after the milestones so the history row carries the update's final milestones.
    update.save()
    return update


def _check_may_edit(*, user: User, objective: Objective, period: ReportingPeriod) -> None:
    if not can_edit_update(user, objective):
        raise PermissionDenied("Only the objective's lead officers (or a coordinator) can write its updates.")
    plan_check_writable(objective.plan)
    # The one rule of which periods an update may be for (plans.rules), so every write path obeys it.
    problem = update_period_error(objective.plan, period)
    if problem:
        raise ValidationError({"period": [problem]})


@transaction.atomic
def update_save_draft(
    *, user: User, objective: Objective, period: ReportingPeriod, data: UpdateInput, version: int
) -> QuarterlyUpdate:
    """Save what has been typed so far as a draft; refuse if someone saved since `version`."""
    _check_may_edit(user=user, objective=objective, period=period)
    errors = update_limit_errors(data=data)
    if errors:
        raise ValidationError(errors)
    update = _locked_update(objective=objective, period=period, version=version)
    state = update.state if update.state == QuarterlyUpdate.State.RETURNED else QuarterlyUpdate.State.DRAFT
    return _write(update=update, objective=objective, data=data, user=user, state=state)


@transaction.atomic
def update_submit(
    *,
    user: User,
    objective: Objective,
    period: ReportingPeriod,
    data: UpdateInput,
    version: int,
    today: dt.date | None = None,
) -> QuarterlyUpdate:
    """Submit a complete update for review; a late one is accepted and marked late."""
    _check_may_edit(user=user, objective=objective, period=period)
    errors = {
        **update_completeness_errors(objective=objective, data=data, period=period),
        **update_limit_errors(data=data),
    }
    if errors:
        raise ValidationError(errors)
    update = _locked_update(objective=objective, period=period, version=version)
    today = today or timezone.localdate()
    update.is_late = bool(period.update_deadline and today > period.update_deadline)
    update.submitted_at = timezone.now()
    update.submitted_by = user
    update = _write(update=update, objective=objective, data=data, user=user, state=QuarterlyUpdate.State.SUBMITTED)
    notify_update_submitted(update, by=user)
    return update
