"""Whom each event of the plans tells (csp.notifications.notify), called inside the event's service.

update submitted -> the chairs who review it; returned or approved -> the item's lead officers and
whoever submitted it; escalated -> the board's chair and the coordinators; resolved -> the chair who
raised it and the lead officers; proposal made -> those who decide it; decided -> the proposer.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from csp.models import Notification, Role
from csp.notifications import notify, users_of_people
from csp.selectors import users_with_role

from ..models import ChangeProposal, Escalation, Objective, QuarterlyUpdate
from ..selectors.access import lead_officer_users_of, reviewers_of


def _item_url(objective: Objective) -> str:
    return reverse("plans:objective_detail", args=[objective.pk])


def _name(user: AbstractBaseUser | None) -> str:
    if user is None:
        return "Someone"
    return user.get_full_name() or user.get_username()


def _others(users, actor: AbstractBaseUser | None) -> list:
    """Nobody is told about what they did themselves."""
    return [user for user in users if actor is None or user.pk != actor.pk]


def notify_update_submitted(update: QuarterlyUpdate, *, by: AbstractBaseUser) -> None:
    """Tell the chairs who review the item that an update waits for them."""
    objective = update.objective
    notify(
        users=_others(reviewers_of(objective), by),
        kind=Notification.Kind.UPDATE_SUBMITTED,
        title=f"{objective}: {update.period} update submitted for review",
        text=f"{_name(by)} submitted the {update.period} update. Approve it, return it or escalate it.",
        url=_item_url(objective),
        key=f"update:{update.pk}:submitted:{update.version}",
    )


def _tell_leads_of_decision(update: QuarterlyUpdate, *, kind: str, verb: str, reviewer: AbstractBaseUser) -> None:
    objective = update.objective
    users = {*lead_officer_users_of(objective), *(u for u in (update.submitted_by, update.author) if u is not None)}
    text = f"{_name(reviewer)} {verb} the {update.period} update."
    if update.review_comment:
        text += f"\n\n{update.review_comment}"
    notify(
        users=_others(users, reviewer),
        kind=kind,
        title=f"{objective}: {update.period} update {verb}",
        text=text,
        url=_item_url(objective),
        key=f"update:{update.pk}:{kind}:{update.version}",
    )


def notify_update_returned(update: QuarterlyUpdate, *, reviewer: AbstractBaseUser) -> None:
    """Tell the lead officers (and the submitter) that their update came back, with the chair's comment."""
    _tell_leads_of_decision(update, kind=Notification.Kind.UPDATE_RETURNED, verb="returned", reviewer=reviewer)


def notify_update_approved(update: QuarterlyUpdate, *, reviewer: AbstractBaseUser) -> None:
    """Tell the lead officers (and the submitter) that their update is approved."""
    _tell_leads_of_decision(update, kind=Notification.Kind.UPDATE_APPROVED, verb="approved", reviewer=reviewer)


def notify_escalated(escalation: Escalation) -> None:
    """Tell the board's chair and the partnership's coordinators that an item waits for the board."""
    board = escalation.board
    users = list(users_with_role(board.partnership_id, Role.COORDINATOR))
    if board.chair_id:
        users += users_of_people([board.chair])
    notify(
        users=_others(users, escalation.raised_by),
        kind=Notification.Kind.ESCALATED,
        title=f"{escalation.objective}: escalated to {board}",
        text=f"{_name(escalation.raised_by)} escalated this item: {escalation.note}",
        url=reverse("plans:escalation_resolve", args=[escalation.pk]),
        key=f"escalation:{escalation.pk}:raised",
    )


def notify_escalation_resolved(escalation: Escalation) -> None:
    """Tell the chair who raised it and the item's lead officers what the board decided."""
    objective = escalation.objective
    users = [escalation.raised_by, *lead_officer_users_of(objective)]
    notify(
        users=_others(users, escalation.resolved_by),
        kind=Notification.Kind.ESCALATION_RESOLVED,
        title=f"{objective}: {escalation.board} decided (minute {escalation.minute_reference})",
        text=escalation.resolution,
        url=_item_url(objective),
        key=f"escalation:{escalation.pk}:resolved",
    )


def notify_proposal_made(proposal: ChangeProposal) -> None:
    """Tell those who decide it that a proposal to strike or change an item waits for them."""
    objective = proposal.objective
    notify(
        users=_others(reviewers_of(objective), proposal.proposed_by),
        kind=Notification.Kind.PROPOSAL_MADE,
        title=f"{objective}: proposal to {proposal.get_kind_display().lower()}",
        text=f"{_name(proposal.proposed_by)} proposes: {proposal.reason}",
        url=_item_url(objective) + "#proposals",
        key=f"proposal:{proposal.pk}:made",
    )


def notify_proposal_decided(proposal: ChangeProposal) -> None:
    """Tell the proposer what was decided."""
    objective = proposal.objective
    text = f"{_name(proposal.decided_by)} {proposal.get_decision_display().lower()} your proposal."
    if proposal.decision_note:
        text += f"\n\n{proposal.decision_note}"
    notify(
        users=_others([proposal.proposed_by], proposal.decided_by),
        kind=Notification.Kind.PROPOSAL_DECIDED,
        title=f"{objective}: proposal to {proposal.get_kind_display().lower()} "
        f"{proposal.get_decision_display().lower()}",
        text=text,
        url=_item_url(objective) + "#proposals",
        key=f"proposal:{proposal.pk}:decided",
    )
