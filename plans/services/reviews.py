"""Writes of the review: chairs approve, return or escalate updates, decide proposals; comments.

Each service checks who may act (plans.selectors.access) as well as the view, so an API or a task
calling it cannot skip the rule. A refusal on the rules of the review is a ValidationError with a
message for the person; a refusal on rights is PermissionDenied.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ..models import ChangeProposal, Comment, Escalation, Objective, QuarterlyUpdate, Review
from ..selectors.access import can_edit_update, can_review
from ..selectors.reviews import board_of, can_comment


def _lock_update(update: QuarterlyUpdate) -> QuarterlyUpdate:
    """Re-read the update under a row lock so two reviewers cannot decide it at once."""
    return QuarterlyUpdate.objects.select_for_update().select_related("objective__plan", "period").get(pk=update.pk)


def _check_reviewer(reviewer: AbstractBaseUser, objective: Objective) -> None:
    if not can_review(reviewer, objective):
        raise PermissionDenied("Only a chair of a group that owns this item, or a coordinator, may review it.")


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


def _return_recipients(update: QuarterlyUpdate) -> list[str]:
    """The lead officers of the item and whoever submitted the update."""
    addresses = set()
    for lead in update.objective.leads.select_related("person__user"):
        person = lead.person
        address = person.email or (person.user.email if person.user_id else "")
        if address:
            addresses.add(address)
    for user in (update.submitted_by, update.author):
        if user is not None and user.email:
            addresses.add(user.email)
    return sorted(addresses)


def _send_return_email(*, update_id: int, recipients: list[str]) -> None:
    update = QuarterlyUpdate.objects.select_related("objective__plan", "period", "reviewed_by").get(pk=update_id)
    context = {
        "update": update,
        "objective": update.objective,
        "reviewer_name": update.reviewed_by.get_full_name() or update.reviewed_by.get_username(),
        "item_url": settings.SITE_URL.rstrip("/") + reverse("plans:objective_detail", args=[update.objective_id]),
    }
    subject = render_to_string("plans/email/review_returned_subject.txt", context).strip()
    body = render_to_string("plans/email/review_returned.txt", context)
    send_mail(subject, body, None, recipients)


@transaction.atomic
def update_approve(*, reviewer: AbstractBaseUser, update: QuarterlyUpdate, comment: str = "") -> QuarterlyUpdate:
    """Approve a submitted update; its author may not approve it."""
    update = _lock_update(update)
    _check_reviewer(reviewer, update.objective)
    _check_not_own(reviewer, update)
    _check_submitted(update)
    comment = comment.strip()
    _decide(update, reviewer=reviewer, state=QuarterlyUpdate.State.APPROVED, comment=comment)
    Review.objects.create(update=update, decision=Review.Decision.APPROVED, comment=comment, reviewer=reviewer)
    return update


@transaction.atomic
def update_return(*, reviewer: AbstractBaseUser, update: QuarterlyUpdate, comment: str) -> QuarterlyUpdate:
    """Return a submitted update to its lead officers with a comment; they are e-mailed once it is saved."""
    update = _lock_update(update)
    _check_reviewer(reviewer, update.objective)
    _check_not_own(reviewer, update)
    _check_submitted(update)
    comment = comment.strip()
    if not comment:
        raise ValidationError("Enter a comment saying what the lead officers need to change.")
    _decide(update, reviewer=reviewer, state=QuarterlyUpdate.State.RETURNED, comment=comment)
    Review.objects.create(update=update, decision=Review.Decision.RETURNED, comment=comment, reviewer=reviewer)
    recipients = _return_recipients(update)
    if recipients:
        transaction.on_commit(partial(_send_return_email, update_id=update.pk, recipients=recipients))
    return update


@transaction.atomic
def update_escalate(*, reviewer: AbstractBaseUser, update: QuarterlyUpdate, note: str) -> Escalation:
    """Raise an item to the board for its next meeting, with a note; the update's state does not change."""
    update = _lock_update(update)
    objective = update.objective
    _check_reviewer(reviewer, objective)
    if update.state not in (QuarterlyUpdate.State.SUBMITTED, QuarterlyUpdate.State.APPROVED):
        raise ValidationError("Only a submitted or approved update can be escalated to the board.")
    note = note.strip()
    if not note:
        raise ValidationError("Enter a note for the board saying why this item is escalated.")
    board = board_of(objective.plan.partnership_id)
    if board is None:
        raise ValidationError("This partnership has no board group. Ask the coordinator to add one.")
    if Escalation.objects.filter(update=update, resolved_at__isnull=True).exists():
        raise ValidationError(f"This update is already escalated to {board}.")
    escalation = Escalation.objects.create(
        objective=objective, update=update, board=board, note=note, raised_by=reviewer, meeting_date=board.next_meeting
    )
    Review.objects.create(update=update, decision=Review.Decision.ESCALATED, comment=note, reviewer=reviewer)
    return escalation


@transaction.atomic
def proposal_create(
    *, proposer: AbstractBaseUser, objective: Objective, kind: str, reason: str, proposed_change: str = ""
) -> ChangeProposal:
    """A lead officer proposes to strike or change an objective, with a reason, for the chair to decide."""
    if not can_edit_update(proposer, objective):
        raise PermissionDenied("Only a lead officer of this item, or a coordinator, may propose a change.")
    if kind not in ChangeProposal.Kind.values:
        raise ValidationError("Choose whether to strike or change the objective.")
    if objective.is_struck:
        raise ValidationError("This objective is already struck from the plan.")
    reason = reason.strip()
    proposed_change = proposed_change.strip()
    if not reason:
        raise ValidationError("Enter the reason for the proposal.")
    if kind == ChangeProposal.Kind.CHANGE and not proposed_change:
        raise ValidationError("Enter the change you propose.")
    if ChangeProposal.objects.filter(objective=objective, kind=kind, decision=ChangeProposal.Decision.PENDING).exists():
        raise ValidationError("A proposal of this kind is already waiting for a decision.")
    return ChangeProposal.objects.create(
        objective=objective, kind=kind, reason=reason, proposed_change=proposed_change, proposed_by=proposer
    )


@transaction.atomic
def proposal_decide(
    *, reviewer: AbstractBaseUser, proposal: ChangeProposal, approve: bool, note: str = "", today: dt.date | None = None
) -> ChangeProposal:
    """The chair approves or rejects a proposal; an approved strike strikes the objective with its reason and date."""
    proposal = ChangeProposal.objects.select_for_update().select_related("objective__plan").get(pk=proposal.pk)
    objective = proposal.objective
    _check_reviewer(reviewer, objective)
    if proposal.proposed_by_id == reviewer.pk:
        raise ValidationError("You cannot decide your own proposal. Ask another chair or the coordinator.")
    if proposal.decision != ChangeProposal.Decision.PENDING:
        raise ValidationError(f"This proposal is already {proposal.get_decision_display().lower()}.")
    note = note.strip()
    if not approve and not note:
        raise ValidationError("Enter a note saying why the proposal is rejected.")
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
        objective.save()
    return proposal


@transaction.atomic
def comment_create(
    *, author: AbstractBaseUser, objective: Objective, text: str, update: QuarterlyUpdate | None = None
) -> Comment:
    """Add a comment to an item, optionally about one of its updates."""
    if not can_comment(author, objective):
        raise PermissionDenied("Only the item's lead officers, its group chairs and coordinators may comment.")
    text = text.strip()
    if not text:
        raise ValidationError("Enter a comment.")
    if update is not None and update.objective_id != objective.pk:
        raise ValidationError("Choose an update of this item.")
    return Comment.objects.create(objective=objective, update=update, author=author, text=text)
