"""The review pages through real requests: who may do what, the item page, errors shown to people."""

from __future__ import annotations

import pytest
from django.urls import reverse

from csp.models import RagStatus
from csp.services import record_archive
from plans.models import ChangeProposal, Comment, Escalation, Objective, QuarterlyUpdate, Review
from plans.services.reviews import proposal_create, update_return
from tests.factories import ExpectedOutcomeFactory, MilestoneFactory, OutcomeStatusFactory, QuarterlyUpdateFactory

from .review_setup import ROLES, build_review_world

# What each role may do with an item owned by the ODG: 302 done, 403 refused, 404 not theirs to see.
MAY_REVIEW = {
    "coordinator": 302,
    "chair": 302,
    "other_chair": 403,
    "lead": 403,
    "analyst": 403,
    "viewer": 403,
    "outsider": 404,
}
MAY_COMMENT = {**MAY_REVIEW, "lead": 302}


@pytest.fixture
def world(db):
    return build_review_world()


def _review(client, world, decision: str, comment: str = "Please add dates."):
    prefix = f"review-{world.update.pk}"
    return client.post(
        reverse("plans:update_review", args=[world.update.pk]),
        {f"{prefix}-decision": decision, f"{prefix}-comment": comment},
    )


def _decide_proposal(client, world):
    proposal = proposal_create(proposer=world.user("lead"), objective=world.objective, kind="strike", reason="Done.")
    response = client.post(
        reverse("plans:proposal_decide", args=[proposal.pk]), {f"decide-{proposal.pk}-decision": "approve"}
    )
    return response


def _comment(client, world):
    return client.post(reverse("plans:comment_create", args=[world.objective.pk]), {"comment-text": "Venue found."})


def _done(action: str, world) -> bool:
    world.update.refresh_from_db()
    return {
        "approve": world.update.state == QuarterlyUpdate.State.APPROVED,
        "return": world.update.state == QuarterlyUpdate.State.RETURNED,
        "escalate": Escalation.objects.filter(update=world.update).exists(),
        "decide_proposal": ChangeProposal.objects.filter(decision=ChangeProposal.Decision.APPROVED).exists(),
        "comment": Comment.objects.filter(objective=world.objective).exists(),
    }[action]


ACTIONS = {
    "approve": (lambda client, world: _review(client, world, "approve"), MAY_REVIEW),
    "return": (lambda client, world: _review(client, world, "return"), MAY_REVIEW),
    "escalate": (lambda client, world: _review(client, world, "escalate", "At risk."), MAY_REVIEW),
    "decide_proposal": (_decide_proposal, MAY_REVIEW),
    "comment": (_comment, MAY_COMMENT),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_who_may_take_each_review_action(client, world, action, role):
    act, expected = ACTIONS[action]
    client.force_login(world.user(role))
    response = act(client, world)
    assert response.status_code == expected[role]
    assert _done(action, world) is (expected[role] == 302)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_see_the_item_page(client, world, role):
    client.force_login(world.user(role))
    response = client.get(reverse("plans:objective_detail", args=[world.objective.pk]))
    assert response.status_code == (404 if role == "outsider" else 200)


@pytest.mark.parametrize(
    ("role", "sees_form"),
    [("chair", True), ("coordinator", True), ("other_chair", False), ("lead", False), ("viewer", False)],
)
def test_the_review_form_shows_only_to_reviewers(client, world, role, sees_form):
    client.force_login(world.user(role))
    response = client.get(reverse("plans:objective_detail", args=[world.objective.pk]))
    assert (f'action="{reverse("plans:update_review", args=[world.update.pk])}"' in response.text) is sees_form


def test_approving_your_own_update_shows_an_error_not_a_500(client, world):
    coordinator = world.user("coordinator")
    world.update.submitted_by = coordinator
    world.update.save()
    client.force_login(coordinator)
    response = _review(client, world, "approve")
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "You cannot review your own update" in response.text


def test_returning_without_a_comment_shows_the_error_next_to_the_field(client, world):
    client.force_login(world.user("chair"))
    response = _review(client, world, "return", comment="")
    assert response.status_code == 400
    assert "govuk-error-summary" in response.text
    assert f'href="#id_review-{world.update.pk}-comment"' in response.text
    assert "govuk-form-group--error" in response.text
    world.update.refresh_from_db()
    assert world.update.state == QuarterlyUpdate.State.SUBMITTED


def test_a_review_without_a_decision_is_an_error(client, world):
    client.force_login(world.user("chair"))
    response = client.post(reverse("plans:update_review", args=[world.update.pk]), {})
    assert response.status_code == 400
    assert "Select approve, return or escalate" in response.text


def test_the_lead_officer_sees_the_return_comment_on_the_item_page(client, world):
    update_return(reviewer=world.user("chair"), update=world.update, comment="Say when the venue is booked.")
    client.force_login(world.user("lead"))
    response = client.get(reverse("plans:objective_detail", args=[world.objective.pk]))
    assert "Say when the venue is booked." in response.text
    assert "Returned by" in response.text


def test_the_item_page_links_lead_officers_to_the_update_page(client, world):
    client.force_login(world.user("lead"))
    response = client.get(reverse("plans:objective_detail", args=[world.objective.pk]))
    assert reverse("plans:update_edit", kwargs={"pk": world.objective.pk, "period_pk": world.q2.pk}) in response.text


def test_a_returned_update_links_its_lead_officer_to_change_it(client, world):
    update_return(reviewer=world.user("chair"), update=world.update, comment="Add dates.")
    client.force_login(world.user("lead"))
    response = client.get(reverse("plans:objective_detail", args=[world.objective.pk]))
    assert reverse("plans:update_edit", kwargs={"pk": world.objective.pk, "period_pk": world.q1.pk}) in response.text


def test_the_item_page_shows_each_outcome_status_by_quarter(client, world):
    outcome = ExpectedOutcomeFactory(objective=world.objective, number=1, text="Two events held.")
    OutcomeStatusFactory(update=world.update, outcome=outcome, rag_status=RagStatus.RED, note="Not started.")
    q2_update = QuarterlyUpdateFactory(
        objective=world.objective, period=world.q2, rag_status=RagStatus.GREEN, state=QuarterlyUpdate.State.SUBMITTED
    )
    OutcomeStatusFactory(update=q2_update, outcome=outcome, rag_status=RagStatus.GREEN, note="Both held.")
    client.force_login(world.user("viewer"))
    response = client.get(reverse("plans:objective_detail", args=[world.objective.pk]))
    rows = response.context["outcome_rows"]
    assert [str(p) for p in response.context["outcome_periods"]] == ["Q1 2014/15", "Q2 2014/15"]
    assert [cell.rag_status for cell in rows[0].cells] == [RagStatus.RED, RagStatus.GREEN]
    assert "Both held." in response.text


@pytest.mark.parametrize("role", ROLES)
def test_who_may_see_the_history_page(client, world, role):
    client.force_login(world.user(role))
    response = client.get(reverse("plans:objective_history", args=[world.objective.pk]))
    assert response.status_code == (404 if role == "outsider" else 200)


def test_the_item_page_links_to_its_history_page(client, world):
    client.force_login(world.user("viewer"))
    response = client.get(reverse("plans:objective_detail", args=[world.objective.pk]))
    assert reverse("plans:objective_history", args=[world.objective.pk]) in response.text
    assert "history" not in response.context


def test_the_history_page_shows_who_changed_what(client, world):
    update_return(reviewer=world.user("chair"), update=world.update, comment="Add dates.")
    client.force_login(world.user("viewer"))
    response = client.get(reverse("plans:objective_history", args=[world.objective.pk]))
    entry = next(e for e in response.context["history"] if e.action == "Changed" and "update" in e.subject)
    assert ("State", "Submitted", "Returned") in entry.changes
    assert "State: Submitted → <strong>Returned</strong>" in response.text
    # An empty foreign key before the change reads as empty, not as a deleted user.
    assert "Reviewed by: (empty) → <strong>" in response.text
    assert "Deleted user" not in response.text


def test_the_history_names_the_user_who_made_the_change(client, world):
    client.force_login(world.user("chair"))
    _review(client, world, "return")
    history = client.get(reverse("plans:objective_history", args=[world.objective.pk])).context["history"]
    entry = next(e for e in history if e.action == "Changed" and "update" in e.subject)
    chair = world.user("chair")
    assert entry.who == (chair.get_full_name() or chair.username)


def test_a_struck_objective_shows_its_reason_and_date(client, world):
    proposal = proposal_create(
        proposer=world.user("lead"), objective=world.objective, kind="strike", reason="Covered by the county."
    )
    client.force_login(world.user("chair"))
    client.post(reverse("plans:proposal_decide", args=[proposal.pk]), {f"decide-{proposal.pk}-decision": "approve"})
    world.objective.refresh_from_db()
    assert world.objective.state == Objective.State.STRUCK
    response = client.get(reverse("plans:objective_detail", args=[world.objective.pk]))
    assert "Struck from the plan on" in response.text
    assert "Covered by the county." in response.text


def test_a_lead_officer_proposes_a_strike_through_the_page(client, world):
    client.force_login(world.user("lead"))
    response = client.post(
        reverse("plans:proposal_create", args=[world.objective.pk]),
        {"proposal-kind": "strike", "proposal-reason": "Move to strike from the action plan."},
    )
    assert response.status_code == 302
    assert ChangeProposal.objects.get().reason == "Move to strike from the action plan."


def test_a_proposal_without_a_reason_shows_an_error(client, world):
    client.force_login(world.user("lead"))
    response = client.post(reverse("plans:proposal_create", args=[world.objective.pk]), {"proposal-kind": "strike"})
    assert response.status_code == 400
    assert "Enter the reason" in response.text


def test_a_comment_appears_on_the_item_page(client, world):
    client.force_login(world.user("lead"))
    response = client.post(
        reverse("plans:comment_create", args=[world.objective.pk]),
        {"comment-text": "Venue booked for 3 October.", "comment-update": world.update.pk},
        follow=True,
    )
    assert "Venue booked for 3 October." in response.text
    assert Comment.objects.get().update == world.update


def test_the_comment_form_offers_only_the_updates_the_page_lists(client, world):
    """An archived update leaves the page's list, so the comment form does not offer it, and a posted one is
    refused next to the field, nothing written."""
    later = QuarterlyUpdateFactory(objective=world.objective, period=world.q2)
    record_archive(user=world.user("coordinator"), record=world.update, reason="Entered twice.")
    client.force_login(world.user("lead"))
    page = client.get(reverse("plans:objective_detail", args=[world.objective.pk]))
    form = page.context["comment_form"]
    assert [update.pk for update in form.fields["update"].queryset] == [later.pk]
    # The options are written from the updates the page has read (no second query): the same live ones.
    assert [str(value) for value, _label in form.fields["update"].choices] == ["", str(later.pk)]
    assert f'<option value="{later.pk}">{later.period}</option>' in page.text
    assert f'<option value="{world.update.pk}">' not in page.text
    response = client.post(
        reverse("plans:comment_create", args=[world.objective.pk]),
        {"comment-text": "About the archived one.", "comment-update": world.update.pk},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert 'href="#id_comment-update"' in response.text
    assert not Comment.objects.exists()


def test_an_escalation_appears_in_the_boards_meeting_pack(client, world):
    client.force_login(world.user("chair"))
    _review(client, world, "escalate", "No venue and no funding.")
    response = client.get(reverse("plans:meeting_pack", args=[world.board.pk]))
    assert response.status_code == 200
    assert "No venue and no funding." in response.text
    assert "20 Oct 2014" in response.text


def test_the_groups_meeting_pack_lists_its_exceptions_and_pending_proposals(client, world):
    world.plan.current_period = world.q1
    world.plan.save()
    proposal_create(proposer=world.user("lead"), objective=world.objective, kind="strike", reason="Covered elsewhere.")
    client.force_login(world.user("chair"))
    pack = client.get(reverse("plans:meeting_pack", args=[world.odg.pk])).context["pack"]
    assert [item.objective.pk for item in pack.items] == [world.objective.pk]
    assert [p.reason for item in pack.items for p in item.proposals] == ["Covered elsewhere."]
    assert [item.update.pk for item in pack.items if item.awaits_review] == [world.update.pk]


def test_the_meeting_pack_shows_the_latest_quarter_with_submitted_updates(client, world):
    client.force_login(world.user("chair"))
    pack = client.get(reverse("plans:meeting_pack", args=[world.odg.pk])).context["pack"]
    assert world.plan.current_period == world.q2
    assert [entry.period for entry in pack.plans] == [world.q1]


def test_another_groups_meeting_pack_leaves_out_this_item(client, world):
    world.plan.current_period = world.q1
    world.plan.save()
    client.force_login(world.user("chair"))
    pack = client.get(reverse("plans:meeting_pack", args=[world.jag.pk])).context["pack"]
    assert pack.items == []


def test_the_meeting_pack_has_a_print_button(client, world):
    client.force_login(world.user("viewer"))
    response = client.get(reverse("plans:meeting_pack", args=[world.odg.pk]))
    assert "Print this page" in response.text


def test_another_partnerships_meeting_pack_is_not_found(client, world):
    client.force_login(world.user("outsider"))
    assert client.get(reverse("plans:meeting_pack", args=[world.odg.pk])).status_code == 404


def test_milestones_are_on_the_item_page(client, world):
    MilestoneFactory(objective=world.objective, text="Book the venue", due_text="September 2014")
    client.force_login(world.user("viewer"))
    response = client.get(reverse("plans:objective_detail", args=[world.objective.pk]))
    assert "Book the venue" in response.text


def test_review_decisions_are_listed_on_the_update(client, world):
    client.force_login(world.user("chair"))
    _review(client, world, "return", "Add the dates.")
    client.force_login(world.user("viewer"))
    response = client.get(reverse("plans:objective_detail", args=[world.objective.pk]))
    assert Review.objects.count() == 1
    assert "Returned to lead officers by" in response.text
