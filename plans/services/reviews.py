"""Writes of the review: chairs approve, return or escalate updates, decide proposals; comments.

Each service checks who may act (plans.selectors.access) as well as the view, so an API or a task
calling it cannot skip the rule. A refusal on the rules of the review is a ValidationError with a
message for the person; a refusal on rights is PermissionDenied.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from csp.limits import text_length_check

from ..models import ChangeProposal, Comment, Escalation, Objective, QuarterlyUpdate, Review
from ..rules import plan_check_writable
from ..selectors.access import can_propose, can_review
from ..selectors.reviews import board_of, can_comment
from ..selectors.status import update_counts
from .notifications import (
    notify_escalated,
    notify_proposal_decided,
    notify_proposal_made,
    notify_update_approved,
    notify_update_returned,
)


def _lock_update(update: QuarterlyUpdate) -> QuarterlyUpdate:
    """Re-read the update under a row lock so two reviewers cannot decide it at once."""
    # Only the update's row (`of`): without it the joined objective, plan and quarter rows were locked too,
    # serialising every decision and submission of a plan and letting two of them deadlock.
    return (
        QuarterlyUpdate.objects.select_for_update(of=("self",))
        .select_related("objective__plan", "period")
        .get(pk=update.pk)
    )


def _check_reviewer(reviewer: AbstractBaseUser, objective: Objective) -> None:
    if not can_review(reviewer, objective):
        raise PermissionDenied("Only a chair of a group that owns this item, or a coordinator, may review it.")
    plan_check_writable(objective.plan)


def _check_not_own(reviewer: AbstractBaseUser, update: QuarterlyUpdate) -> None:
    if reviewer.pk in {update.submitted_by_id, update.author_id}:
        raise ValidationError("You cannot review your own update. Ask another chair or the coordinator.")


def _check_submitted(update: QuarterlyUpdate) -> None:
    if update.state != QuarterlyUpdate.State.SUBMITTED:
        raise ValidationError(
            f"This update is {update.get_state_display().lower()}, not submitted, so it cannot be reviewed."
        )


def _decide(update: QuarterlyUpdate, *, reviewer: AbstractBaseUser, state: str, comment: str) -> None:
    update.state = state
    update.reviewed_by = reviewer
    update.reviewed_at = timezone.now()
    update.review_comment = comment
    update.version += 1
    update.save()


@transaction.atomic
def update_approve(*, reviewer: AbstractBaseUser, update: QuarterlyUpdate, comment: str = "") -> QuarterlyUpdate:
    """Approve a submitted update; its author may not approve it."""
    update = _lock_update(update)
    _check_reviewer(reviewer, update.objective)
    _check_not_own(reviewer, update)
    _check_submitted(update)
    comment = comment.strip()
    text_length_check(Review, "comment", comment, "The comment")
    _decide(update, reviewer=reviewer, state=QuarterlyUpdate.State.APPROVED, comment=comment)
    Review.objects.create(update=update, decision=Review.Decision.APPROVED, comment=comment, reviewer=reviewer)
    notify_update_approved(update, reviewer=reviewer)
    return update


@transaction.atomic
def update_return(*, reviewer: AbstractBaseUser, update: QuarterlyUpdate, comment: str) -> QuarterlyUpdate:
    """Return a submitted update to its lead officers with a comment; they are notified (and e-mailed) on commit."""
    update = _lock_update(update)
    _check_reviewer(reviewer, update.objective)
    _check_not_own(reviewer, update)
    _check_submitted(update)
    comment = comment.strip()
    if not comment:
        raise ValidationError("Enter a comment saying what the lead officers need to change.")
    text_length_check(Review, "comment", comment, "The comment")
    _decide(update, reviewer=reviewer, state=QuarterlyUpdate.State.RETURNED, comment=comment)
    Review.objects.create(update=update, decision=Review.Decision.RETURNED, comment=comment, reviewer=reviewer)
    notify_update_returned(update, reviewer=reviewer)
    return update


@transaction.atomic
def update_escalate(*, reviewer: AbstractBaseUser, update: QuarterlyUpdate, note: str) -> Escalation:
    """Raise an item to the board for its next meeting, with a note; the update's state does not change."""
    update = _lock_update(update)
    objective = update.objective
    _check_reviewer(reviewer, objective)
    if not update_counts(update):
        raise ValidationError("Only a submitted or approved update can be escalated to the board.")
    note = note.strip()
    if not note:
        raise ValidationError("Enter a note for the board saying why this item is escalated.")
    text_length_check(Escalation, "note", note, "The note for the board")
    board = board_of(objective.plan.partnership_id)
    if board is None:
        raise ValidationError("This partnership has no board group. Ask the coordinator to add one.")
    if Escalation.objects.filter(update=update, resolved_at__isnull=True).exists():
        raise ValidationError(f"This update is already escalated to {board}.")
    escalation = Escalation.objects.create(
        objective=objective, update=update, board=board, note=note, raised_by=reviewer, meeting_date=board.next_meeting
    )
    Review.objects.create(update=update, decision=Review.Decision.ESCALATED, comment=note, reviewer=reviewer)
    notify_escalated(escalation)
    return escalation


# Proposal field -> the objective field it replaces when a change proposal is approved.
PROPOSED_FIELDS: dict[str, str] = {
    "proposed_title": "title",
    "proposed_target_and_indicator": "target_and_indicator",
    "proposed_due_text": "due_text",
    "proposed_how_measured": "how_measured",
}


@transaction.atomic
def proposal_create(
    *,
    proposer: AbstractBaseUser,
    objective: Objective,
    kind: str,
    reason: str,
    proposed_change: str = "",
    **proposed: str,
) -> ChangeProposal:
    """A lead officer, a reviewing chair or a coordinator proposes to strike or change an objective; a chair decides."""
    if not can_propose(proposer, objective):
        raise PermissionDenied(
            "Only a lead officer of this item, a chair who reviews it, or a coordinator, may propose a change."
        )
    plan_check_writable(objective.plan)
    if kind not in ChangeProposal.Kind.values:
        raise ValidationError("Choose whether to strike or change the objective.")
    unknown = set(proposed) - set(PROPOSED_FIELDS)
    if unknown:
        raise ValidationError(f"These fields cannot be proposed: {', '.join(sorted(unknown))}.")
    if objective.is_struck:
        raise ValidationError("This objective is already struck from the plan.")
    reason = reason.strip()
    proposed_change = proposed_change.strip()
    # A strike changes no field, so proposed values only count on a change proposal.
    proposed = {name: (value or "").strip() for name, value in proposed.items()} if kind == "change" else {}
    if not reason:
        raise ValidationError("Enter the reason for the proposal.")
    if kind == ChangeProposal.Kind.CHANGE and not proposed_change and not any(proposed.values()):
        raise ValidationError("Enter the change you propose.")
    text_length_check(ChangeProposal, "reason", reason, "The reason")
    text_length_check(ChangeProposal, "proposed_change", proposed_change, "The change you propose")
    for name, value in proposed.items():
        text_length_check(ChangeProposal, name, value, str(ChangeProposal._meta.get_field(name).verbose_name))
    if ChangeProposal.objects.filter(objective=objective, kind=kind, decision=ChangeProposal.Decision.PENDING).exists():
        raise ValidationError("A proposal of this kind is already waiting for a decision.")
    proposal = ChangeProposal.objects.create(
        objective=objective,
        kind=kind,
        reason=reason,
        proposed_change=proposed_change,
        proposed_by=proposer,
        **proposed,
    )
    notify_proposal_made(proposal)
    return proposal


def _apply_change(proposal: ChangeProposal, *, decider: AbstractBaseUser) -> Objective:
    """Write the proposal's non-empty proposed values to its objective, kept in history as the decider's change."""
    objective = Objective.objects.select_for_update().get(pk=proposal.objective_id)
    changed = []
    for proposal_field, objective_field in PROPOSED_FIELDS.items():
        value = getattr(proposal, proposal_field)
        if value:
            setattr(objective, objective_field, value)
            changed.append(objective_field)
    # Check only what the proposal changes: the rest of the objective is not this decision's business.
    objective.full_clean(exclude=[f.name for f in Objective._meta.fields if f.name not in changed])
    objective._history_user = decider
    objective._change_reason = f"Change proposal {proposal.pk} approved"
    objective.save()
    return objective


@transaction.atomic
def proposal_decide(
    *, reviewer: AbstractBaseUser, proposal: ChangeProposal, approve: bool, note: str = "", today: dt.date | None = None
) -> ChangeProposal:
    """The chair approves or rejects a proposal; an approved strike strikes the objective, an approved change applies.

    Both happen in the decision's transaction: if applying the change fails, the decision is undone too.
    """
    proposal = (
        ChangeProposal.objects.select_for_update(of=("self",)).select_related("objective__plan").get(pk=proposal.pk)
    )
    objective = proposal.objective
    _check_reviewer(reviewer, objective)
    if proposal.proposed_by_id == reviewer.pk:
        raise ValidationError("You cannot decide your own proposal. Ask another chair or the coordinator.")
    if proposal.decision != ChangeProposal.Decision.PENDING:
        raise ValidationError(f"This proposal is already {proposal.get_decision_display().lower()}.")
    note = note.strip()
    if not approve and not note:
        raise ValidationError("Enter a note saying why the proposal is rejected.")
    text_length_check(ChangeProposal, "decision_note", note, "The note")
    proposal.decision = ChangeProposal.Decision.APPROVED if approve else ChangeProposal.Decision.REJECTED
    proposal.decided_by = reviewer
    proposal.decided_at = timezone.now()
    proposal.decision_note = note
    proposal.save()
    if approve and proposal.kind == ChangeProposal.Kind.STRIKE:
        objective = Objective.objects.select_for_update().get(pk=objective.pk)
        objective.state = Objective.State.STRUCK
        objective.struck_on = today or timezone.localdate()
        objective.struck_reason = proposal.reason
        objective._history_user = reviewer
        objective.save()
    elif approve and proposal.kind == ChangeProposal.Kind.CHANGE:
        _apply_change(proposal, decider=reviewer)
    notify_proposal_decided(proposal)
    return proposal


@transaction.atomic
def comment_create(
    *, author: AbstractBaseUser, objective: Objective, text: str, update: QuarterlyUpdate | None = None
) -> Comment:
    """Add a comment to an item, optionally about one of its updates."""
    if not can_comment(author, objective):
        raise PermissionDenied("Only the item's lead officers, its group chairs and coordinators may comment.")
    plan_check_writable(objective.plan)
    text = text.strip()
    if not text:
        raise ValidationError("Enter a comment.")
    text_length_check(Comment, "text", text, "The comment")
    if update is not None and update.objective_id != objective.pk:
        raise ValidationError("Choose an update of this item.")
    if update is not None and update.archived_at is not None:
        raise ValidationError(
            "That update has been archived: choose another update, or comment on the item as a whole."
        )
    return Comment.objects.create(objective=objective, update=update, author=author, text=text)
