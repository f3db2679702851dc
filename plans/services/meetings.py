"""Writes of a group's meetings: set one up, take decisions from its pack, keep its action log.

A decision taken from the pack calls the review service that takes it (approve, return, escalate,
decide a proposal) and records a MeetingDecision in the same transaction: if either fails, neither
is written.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from csp.limits import text_length_check
from csp.models import Group, Person

from ..models import ActionLogItem, ChangeProposal, Escalation, Meeting, MeetingDecision, QuarterlyUpdate
from ..selectors.access import can_run_meeting
from ..selectors.reviews import objectives_owned_by_group
from .reviews import proposal_decide, update_approve, update_escalate, update_return

Kind = MeetingDecision.Kind
UPDATE_DECISIONS = (Kind.APPROVE, Kind.RETURN, Kind.ESCALATE)
PROPOSAL_DECISIONS = (Kind.STRIKE, Kind.CHANGE, Kind.REJECT)
# The proposal kind each agreeing decision needs.
AGREES = {Kind.STRIKE: ChangeProposal.Kind.STRIKE, Kind.CHANGE: ChangeProposal.Kind.CHANGE}


def _check_runs(user: AbstractBaseUser, group: Group) -> None:
    if not can_run_meeting(user, group):
        raise PermissionDenied("Only the chair of this group, or a coordinator, can run its meetings.")


@transaction.atomic
def meeting_create(*, user: AbstractBaseUser, group: Group, date: dt.date, minute_reference: str = "") -> Meeting:
    """Set up a group's meeting on a date (one per group and date)."""
    _check_runs(user, group)
    minute_reference = minute_reference.strip()
    text_length_check(Meeting, "minute_reference", minute_reference, "The minute reference")
    # Lock the group so two chairs setting up the same date cannot both pass the check.
    Group.objects.select_for_update().filter(pk=group.pk).first()
    if Meeting.objects.filter(group=group, date=date).exists():
        raise ValidationError({"date": f"{group} already has a meeting on {date:%-d %B %Y}."})
    meeting = Meeting(group=group, date=date, minute_reference=minute_reference, created_by=user)
    meeting._history_user = user
    meeting.save()
    return meeting


def _check_on_agenda(meeting: Meeting, objective_id: int) -> None:
    group = meeting.group
    owned = objectives_owned_by_group(group).filter(pk=objective_id).exists()
    escalated_here = (
        group.kind == Group.Kind.BOARD
        and Escalation.objects.filter(objective_id=objective_id, board=group, resolved_at__isnull=True).exists()
    )
    if not (owned or escalated_here):
        raise ValidationError(f"This item is not on the agenda of {group}.")


@transaction.atomic
def meeting_decide(
    *,
    chair: AbstractBaseUser,
    meeting: Meeting,
    kind: str,
    text: str = "",
    update: QuarterlyUpdate | None = None,
    proposal: ChangeProposal | None = None,
) -> MeetingDecision:
    """Take a decision on a pack item through the review services, and record it against the meeting."""
    _check_runs(chair, meeting.group)
    text = text.strip()
    text_length_check(MeetingDecision, "text", text, "The note")
    if kind in UPDATE_DECISIONS:
        if update is None:
            raise ValidationError("Choose the update to decide on.")
        objective_id = update.objective_id
        _check_on_agenda(meeting, objective_id)
        if kind == Kind.APPROVE:
            update = update_approve(reviewer=chair, update=update, comment=text)
        elif kind == Kind.RETURN:
            update = update_return(reviewer=chair, update=update, comment=text)
        else:
            update_escalate(reviewer=chair, update=update, note=text)
    elif kind in PROPOSAL_DECISIONS:
        if proposal is None:
            raise ValidationError("Choose the proposal to decide on.")
        objective_id = proposal.objective_id
        _check_on_agenda(meeting, objective_id)
        if kind in AGREES and proposal.kind != AGREES[kind]:
            raise ValidationError(f"This is a proposal to {proposal.get_kind_display().lower()}.")
        proposal = proposal_decide(reviewer=chair, proposal=proposal, approve=kind != Kind.REJECT, note=text)
    else:
        raise ValidationError("Choose a decision.")
    return MeetingDecision.objects.create(
        meeting=meeting,
        objective_id=objective_id,
        update=update,
        proposal=proposal,
        kind=kind,
        text=text,
        decided_by=chair,
    )


def _clean_action(*, text: str, owner_text: str) -> tuple[str, str]:
    text = text.strip()
    owner_text = owner_text.strip()
    if not text:
        raise ValidationError({"text": "Enter the action."})
    text_length_check(ActionLogItem, "text", text, "The action")
    text_length_check(ActionLogItem, "owner_text", owner_text, "The owner")
    return text, owner_text


def _check_owner(group: Group, owner: Person | None) -> None:
    if owner is not None and owner.partnership_id != group.partnership_id:
        raise ValidationError({"owner": "Choose a person of this partnership."})


@transaction.atomic
def action_item_create(
    *,
    user: AbstractBaseUser,
    meeting: Meeting,
    text: str,
    owner: Person | None = None,
    owner_text: str = "",
    due_date: dt.date | None = None,
) -> ActionLogItem:
    """Add an action to the group's log, raised at this meeting."""
    _check_runs(user, meeting.group)
    text, owner_text = _clean_action(text=text, owner_text=owner_text)
    _check_owner(meeting.group, owner)
    if owner is None and not owner_text:
        raise ValidationError({"owner_text": "Enter who owns the action."})
    item = ActionLogItem(
        group=meeting.group,
        raised_at=meeting,
        text=text,
        owner=owner,
        owner_text=owner_text,
        due_date=due_date,
    )
    item._history_user = user
    item.save()
    return item


def _lock_action(item: ActionLogItem) -> ActionLogItem:
    """Re-read the action under a row lock (its own row only: the group's chair may be empty)."""
    locked = ActionLogItem.objects.select_for_update(of=("self",))
    return locked.select_related("group__chair", "raised_at").get(pk=item.pk)


@transaction.atomic
def action_item_update(
    *,
    user: AbstractBaseUser,
    item: ActionLogItem,
    text: str,
    owner: Person | None = None,
    owner_text: str = "",
    due_date: dt.date | None = None,
    done_on: dt.date | None = None,
) -> ActionLogItem:
    """Change an action of the log: its words, owner, due date, or the date it was done."""
    item = _lock_action(item)
    _check_runs(user, item.group)
    text, owner_text = _clean_action(text=text, owner_text=owner_text)
    _check_owner(item.group, owner)
    if owner is None and not owner_text:
        raise ValidationError({"owner_text": "Enter who owns the action."})
    if done_on is not None and done_on < item.raised_at.date:
        raise ValidationError({"done_on": "The date it was done must be on or after the meeting that raised it."})
    item.text, item.owner, item.owner_text, item.due_date, item.done_on = text, owner, owner_text, due_date, done_on
    item._history_user = user
    item.save()
    return item


@transaction.atomic
def action_item_mark_done(*, user: AbstractBaseUser, item: ActionLogItem, on: dt.date | None = None) -> ActionLogItem:
    """Mark an action done (today unless a date is given)."""
    item = _lock_action(item)
    _check_runs(user, item.group)
    if item.done_on is not None:
        raise ValidationError(f"This action was already done on {item.done_on:%-d %B %Y}.")
    on = on or timezone.localdate()
    item.done_on = max(on, item.raised_at.date)
    item._history_user = user
    item.save()
    return item
