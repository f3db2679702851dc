"""The review services: approve, return, escalate, proposals and comments, with their rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from csp.models import Role
from csp.services import record_archive
from plans.models import ChangeProposal, Comment, Escalation, Objective, QuarterlyUpdate, Review
from plans.services.reviews import (
    comment_create,
    proposal_create,
    proposal_decide,
    update_approve,
    update_escalate,
    update_return,
)
from tests.factories import MembershipFactory, QuarterlyUpdateFactory

from .review_setup import BOARD_MEETING, build_review_world


@pytest.fixture
def world(db):
    return build_review_world()


def test_approve_marks_the_update_approved_and_records_the_review(world):
    chair = world.user("chair")
    update_approve(reviewer=chair, update=world.update, comment="Thanks, clear.")
    world.update.refresh_from_db()
    assert world.update.state == QuarterlyUpdate.State.APPROVED
    assert world.update.reviewed_by == chair
    assert world.update.reviewed_at is not None
    review = Review.objects.get(update=world.update)
    assert (review.decision, review.comment, review.reviewer) == (Review.Decision.APPROVED, "Thanks, clear.", chair)


def test_approve_is_kept_in_the_update_history(world):
    update_approve(reviewer=world.user("coordinator"), update=world.update)
    states = list(world.update.history.order_by("history_date").values_list("state", flat=True))
    assert states[-2:] == [QuarterlyUpdate.State.SUBMITTED, QuarterlyUpdate.State.APPROVED]


def test_nobody_approves_their_own_update(world):
    coordinator = world.user("coordinator")
    world.update.submitted_by = coordinator
    world.update.save()
    with pytest.raises(ValidationError, match="your own update"):
        update_approve(reviewer=coordinator, update=world.update)
    world.update.refresh_from_db()
    assert world.update.state == QuarterlyUpdate.State.SUBMITTED
    assert not Review.objects.exists()


def test_the_author_cannot_approve_even_when_someone_else_submitted(world):
    coordinator = world.user("coordinator")
    world.update.author = coordinator
    world.update.save()
    with pytest.raises(ValidationError):
        update_approve(reviewer=coordinator, update=world.update)


def test_a_draft_cannot_be_approved(db):
    world = build_review_world(update_state=QuarterlyUpdate.State.DRAFT)
    with pytest.raises(ValidationError, match="not submitted"):
        update_approve(reviewer=world.user("chair"), update=world.update)


def test_a_chair_of_another_group_may_not_approve(world):
    with pytest.raises(PermissionDenied):
        update_approve(reviewer=world.user("other_chair"), update=world.update)


def test_the_chair_of_the_group_that_keeps_the_plan_may_approve(world):
    world.objective.lead_groups.clear()
    world.plan.owning_group = world.jag
    world.plan.save()
    update_approve(reviewer=world.user("other_chair"), update=world.update)
    world.update.refresh_from_db()
    assert world.update.state == QuarterlyUpdate.State.APPROVED


def test_return_sets_the_comment_for_the_lead_officers(world):
    update_return(reviewer=world.user("chair"), update=world.update, comment="Say when the venue will be booked.")
    world.update.refresh_from_db()
    assert world.update.state == QuarterlyUpdate.State.RETURNED
    assert world.update.review_comment == "Say when the venue will be booked."
    assert world.update.is_editable
    assert Review.objects.get(update=world.update).decision == Review.Decision.RETURNED


def test_return_needs_a_comment(world):
    with pytest.raises(ValidationError, match="Enter a comment"):
        update_return(reviewer=world.user("chair"), update=world.update, comment="   ")


def test_return_emails_the_lead_officers_once_committed(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        update_return(reviewer=world.user("chair"), update=world.update, comment="Add the dates.")
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    # The return is a notification now (csp.notifications), e-mailed by a task to the lead officer's login.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.user("lead").email]
    assert "Add the dates." in message.body
    assert "DA1" in message.subject


def test_no_email_when_the_return_is_refused(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        update_return(reviewer=world.user("viewer"), update=world.update, comment="No.")
    assert mail.outbox == []


def test_escalate_lists_the_item_for_the_boards_next_meeting(world):
    escalation = update_escalate(reviewer=world.user("chair"), update=world.update, note="No venue, no funding.")
    assert escalation.board == world.board
    assert escalation.meeting_date == BOARD_MEETING
    assert escalation.objective == world.objective
    assert Review.objects.get(update=world.update).decision == Review.Decision.ESCALATED


def test_escalate_leaves_the_update_state_alone(world):
    update_escalate(reviewer=world.user("chair"), update=world.update, note="At risk.")
    world.update.refresh_from_db()
    assert world.update.state == QuarterlyUpdate.State.SUBMITTED


def test_the_same_update_is_not_escalated_twice(world):
    update_escalate(reviewer=world.user("chair"), update=world.update, note="At risk.")
    with pytest.raises(ValidationError, match="already escalated"):
        update_escalate(reviewer=world.user("coordinator"), update=world.update, note="Again.")
    assert Escalation.objects.count() == 1


def test_escalate_without_a_board_is_refused_with_a_message(world):
    world.board.kind = "thematic"
    world.board.save()
    with pytest.raises(ValidationError, match="no board"):
        update_escalate(reviewer=world.user("chair"), update=world.update, note="At risk.")


def test_escalate_needs_a_note(world):
    with pytest.raises(ValidationError, match="note"):
        update_escalate(reviewer=world.user("chair"), update=world.update, note="")


def test_a_lead_officer_proposes_to_strike(world):
    proposal = proposal_create(
        proposer=world.user("lead"),
        objective=world.objective,
        kind=ChangeProposal.Kind.STRIKE,
        reason="Covered by the county campaign.",
    )
    assert proposal.decision == ChangeProposal.Decision.PENDING
    assert proposal.proposed_by == world.user("lead")


def test_a_viewer_may_not_propose(world):
    with pytest.raises(PermissionDenied):
        proposal_create(proposer=world.user("viewer"), objective=world.objective, kind="strike", reason="No.")


def test_a_second_pending_proposal_of_the_same_kind_is_refused(world):
    lead = world.user("lead")
    proposal_create(proposer=lead, objective=world.objective, kind="strike", reason="One.")
    with pytest.raises(ValidationError, match="already waiting"):
        proposal_create(proposer=lead, objective=world.objective, kind="strike", reason="Two.")


def test_a_change_proposal_needs_the_change(world):
    with pytest.raises(ValidationError, match="change you propose"):
        proposal_create(proposer=world.user("lead"), objective=world.objective, kind="change", reason="Because.")


def test_an_approved_strike_strikes_the_objective_with_its_reason_and_date(world):
    proposal = proposal_create(
        proposer=world.user("lead"), objective=world.objective, kind="strike", reason="Move to strike from the plan."
    )
    proposal_decide(reviewer=world.user("chair"), proposal=proposal, approve=True, today=dt.date(2014, 8, 1))
    world.objective.refresh_from_db()
    assert world.objective.state == Objective.State.STRUCK
    assert world.objective.struck_on == dt.date(2014, 8, 1)
    assert world.objective.struck_reason == "Move to strike from the plan."


def test_a_struck_objective_stays_in_the_plan(world):
    proposal = proposal_create(proposer=world.user("lead"), objective=world.objective, kind="strike", reason="Done.")
    proposal_decide(reviewer=world.user("chair"), proposal=proposal, approve=True)
    assert world.plan.objectives.filter(pk=world.objective.pk).exists()


def test_a_rejected_strike_leaves_the_objective_active(world):
    proposal = proposal_create(proposer=world.user("lead"), objective=world.objective, kind="strike", reason="Done.")
    proposal_decide(reviewer=world.user("chair"), proposal=proposal, approve=False, note="Still needed.")
    world.objective.refresh_from_db()
    proposal.refresh_from_db()
    assert world.objective.state == Objective.State.ACTIVE
    assert (proposal.decision, proposal.decision_note) == (ChangeProposal.Decision.REJECTED, "Still needed.")


def test_a_rejection_needs_a_note(world):
    proposal = proposal_create(proposer=world.user("lead"), objective=world.objective, kind="strike", reason="Done.")
    with pytest.raises(ValidationError, match="rejected"):
        proposal_decide(reviewer=world.user("chair"), proposal=proposal, approve=False)


def test_nobody_decides_their_own_proposal(world):
    coordinator = world.user("coordinator")
    proposal = proposal_create(proposer=coordinator, objective=world.objective, kind="strike", reason="Done.")
    with pytest.raises(ValidationError, match="your own proposal"):
        proposal_decide(reviewer=coordinator, proposal=proposal, approve=True)


def test_a_decided_proposal_cannot_be_decided_again(world):
    proposal = proposal_create(proposer=world.user("lead"), objective=world.objective, kind="strike", reason="Done.")
    proposal_decide(reviewer=world.user("chair"), proposal=proposal, approve=False, note="No.")
    with pytest.raises(ValidationError, match="already"):
        proposal_decide(reviewer=world.user("coordinator"), proposal=proposal, approve=True)


def test_a_lead_officer_comments_on_their_item(world):
    comment = comment_create(author=world.user("lead"), objective=world.objective, text="Venue booked.")
    assert Comment.objects.get() == comment


def test_a_comment_about_another_items_update_is_refused(world):
    other_update = QuarterlyUpdateFactory(period=world.q1, objective__plan=world.plan)
    with pytest.raises(ValidationError):
        comment_create(author=world.user("chair"), objective=world.objective, text="Hm.", update=other_update)


def test_a_comment_about_an_archived_update_is_refused(world):
    record_archive(user=world.user("coordinator"), record=world.update, reason="Entered twice.")
    world.update.refresh_from_db()
    with pytest.raises(ValidationError, match="archived"):
        comment_create(author=world.user("chair"), objective=world.objective, text="Hm.", update=world.update)
    assert not Comment.objects.exists()


def test_a_lead_officer_of_another_item_may_not_comment(world):
    other_lead = MembershipFactory(partnership=world.partnership, roles=(Role.LEAD_OFFICER,)).user
    with pytest.raises(PermissionDenied):
        comment_create(author=other_lead, objective=world.objective, text="Hm.")


@pytest.mark.services
def test_an_approved_update_is_not_decided_again_under_row_locks(postgres, world):
    update_approve(reviewer=world.user("chair"), update=world.update)
    with pytest.raises(ValidationError):
        update_approve(reviewer=world.user("coordinator"), update=world.update)
    assert Review.objects.filter(update=world.update).count() == 1
