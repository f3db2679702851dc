"""Writes of quarterly updates and the reminders that chase them.

Who may write, what a complete update is, and when an update is late are decided here; views
only parse the form and call these functions.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from csp.models import Partnership, Person, RagStatus, ReportingPeriod
from csp.selectors import User

from ..models import Objective, ObjectiveLead, OutcomeStatus, Plan, QuarterlyUpdate, Reminder
from ..selectors.access import can_edit_update

logger = logging.getLogger(__name__)

# After-deadline reminders still go out if the daily job missed the day after the deadline.
AFTER_DEADLINE_CATCH_UP_DAYS = 7
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


def update_completeness_errors(*, objective: Objective, data: UpdateInput) -> dict[str, list[str]]:
    """What is missing before an update can be submitted, keyed by form field name."""
    errors: dict[str, list[str]] = {}
    if not data.progress.strip():
        errors["progress"] = ["Enter the progress made this quarter"]
    if data.rag_status not in SET_STATUSES:
        errors["rag_status"] = ["Select the overall status: green, amber or red"]
    elif data.rag_status in STATUSES_NEEDING_A_NOTE and not data.rag_note.strip():
        errors["rag_note"] = [f"Enter why the overall status is {data.rag_status}"]
    for outcome in objective.outcomes.all():
        given = data.outcomes.get(outcome.pk, OutcomeInput())
        if given.rag_status not in SET_STATUSES:
            errors[f"outcome-{outcome.pk}-rag_status"] = [f"Select a status for outcome {outcome.number}"]
        elif given.rag_status in STATUSES_NEEDING_A_NOTE and not given.note.strip():
            errors[f"outcome-{outcome.pk}-note"] = [f"Enter why outcome {outcome.number} is {given.rag_status}"]
    return errors


def _locked_update(*, objective: Objective, period: ReportingPeriod, version: int) -> QuarterlyUpdate:
    """The update row, locked for this transaction, if the form's version is still the saved one."""
    update = QuarterlyUpdate.objects.select_for_update().filter(objective=objective, period=period).first()
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


def _check_may_edit(*, user: User, objective: Objective) -> None:
    if not can_edit_update(user, objective):
        raise PermissionDenied("Only the objective's lead officers (or a coordinator) can write its updates.")


@transaction.atomic
def update_save_draft(
    *, user: User, objective: Objective, period: ReportingPeriod, data: UpdateInput, version: int
) -> QuarterlyUpdate:
    """Save what has been typed so far as a draft; refuse if someone saved since `version`."""
    _check_may_edit(user=user, objective=objective)
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
    _check_may_edit(user=user, objective=objective)
    errors = update_completeness_errors(objective=objective, data=data)
    if errors:
        raise ValidationError(errors)
    update = _locked_update(objective=objective, period=period, version=version)
    today = today or timezone.localdate()
    update.is_late = bool(period.update_deadline and today > period.update_deadline)
    update.submitted_at = timezone.now()
    update.submitted_by = user
    return _write(update=update, objective=objective, data=data, user=user, state=QuarterlyUpdate.State.SUBMITTED)


# Reminders


@dataclass
class DueReminder:
    period: ReportingPeriod
    kind: str


def _due_reminders(*, partnership: Partnership, today: dt.date) -> list[DueReminder]:
    """The quarters of a partnership whose reminder falls due today, before or after the deadline."""
    due = []
    periods = ReportingPeriod.objects.filter(
        partnership=partnership,
        kind=ReportingPeriod.Kind.QUARTER,
        update_deadline__gte=today - dt.timedelta(days=AFTER_DEADLINE_CATCH_UP_DAYS),
        update_deadline__lte=today + dt.timedelta(days=partnership.reminder_days_before),
    )
    for period in periods:
        if period.update_deadline >= today:
            due.append(DueReminder(period=period, kind=Reminder.Kind.BEFORE_DEADLINE))
        else:
            due.append(DueReminder(period=period, kind=Reminder.Kind.AFTER_DEADLINE))
    return due


def _outstanding_by_person(period: ReportingPeriod) -> dict[Person, list[Objective]]:
    """Lead officers of live plans' active objectives with no submitted update for the period."""
    done = QuarterlyUpdate.objects.filter(
        period=period, state__in=(QuarterlyUpdate.State.SUBMITTED, QuarterlyUpdate.State.APPROVED)
    ).values("objective_id")
    leads = (
        ObjectiveLead.objects.filter(
            objective__plan__partnership_id=period.partnership_id,
            objective__plan__status=Plan.Status.LIVE,
            objective__plan__period_start__lte=period.start,
            objective__plan__period_end__gte=period.end,
            objective__state=Objective.State.ACTIVE,
        )
        .exclude(objective_id__in=done)
        .select_related("person__user", "objective__plan", "objective__section")
        .order_by("person__name", "objective__plan_id", "objective__section__position", "objective__position")
    )
    by_person: dict[Person, list[Objective]] = defaultdict(list)
    for lead in leads:
        if _address_of(lead.person):
            by_person[lead.person].append(lead.objective)
    return by_person


def _address_of(person: Person) -> str:
    return person.email or (person.user.email if person.user_id else "")


def _send_reminder_email(*, reminder_id: int) -> None:
    reminder = Reminder.objects.select_related("person__partnership", "period").get(pk=reminder_id)
    objectives = list(reminder.objectives.select_related("plan", "section").order_by("plan_id", "position"))
    site = settings.SITE_URL.rstrip("/")
    context = {
        "reminder": reminder,
        "person": reminder.person,
        "partnership": reminder.person.partnership,
        "period": reminder.period,
        "items": [
            {
                "objective": objective,
                "url": site + reverse("plans:update_edit", args=[objective.pk, reminder.period.pk]),
            }
            for objective in objectives
        ],
        "my_items_url": site + reverse("plans:my_items"),
        "is_after": reminder.kind == Reminder.Kind.AFTER_DEADLINE,
    }
    deadline = date_format(reminder.period.update_deadline, "j F Y")
    if reminder.kind == Reminder.Kind.AFTER_DEADLINE:
        subject = f"Overdue: your {reminder.period} updates were due on {deadline}"
    else:
        subject = f"Reminder: your {reminder.period} updates are due by {deadline}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("plans/email/update_reminder.txt", context),
        to=[reminder.email],
    )
    message.attach_alternative(render_to_string("plans/email/update_reminder.html", context), "text/html")
    message.send()


def _reminder_record(*, person: Person, due: DueReminder, objectives: list[Objective]) -> Reminder | None:
    """Record the reminder and queue its e-mail on commit; None if it was already sent."""
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                person=person, period=due.period, kind=due.kind, email=_address_of(person)
            )
            reminder.objectives.set(objectives)
            transaction.on_commit(lambda: _send_reminder_email(reminder_id=reminder.pk))
    except IntegrityError:
        return None
    return reminder


def reminders_send_due(*, today: dt.date | None = None) -> list[Reminder]:
    """E-mail each lead officer once per quarter and kind the items they have not yet submitted."""
    today = today or timezone.localdate()
    sent = []
    for partnership in Partnership.objects.all():
        for due in _due_reminders(partnership=partnership, today=today):
            already = set(Reminder.objects.filter(period=due.period, kind=due.kind).values_list("person_id", flat=True))
            for person, objectives in _outstanding_by_person(due.period).items():
                if person.pk in already:
                    continue
                reminder = _reminder_record(person=person, due=due, objectives=objectives)
                if reminder is not None:
                    sent.append(reminder)
    logger.info("Update reminders: %d sent for %s", len(sent), today)
    return sent
