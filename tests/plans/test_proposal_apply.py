"""Approved change proposals are applied to the objective in the decision's transaction (issue 11 point 5)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from csp.limits import text_limit
from plans.models import ChangeProposal
from plans.services.reviews import PROPOSED_FIELDS, proposal_create, proposal_decide

from .review_setup import build_review_world


@pytest.fixture
def world(db):
    return build_review_world()


def _change(world, **proposed):
    return proposal_create(
        proposer=world.user("lead"), objective=world.objective, kind="change", reason="The plan moved on.", **proposed
    )


def test_an_approved_change_applies_the_proposed_values(world):
    proposal = _change(world, proposed_title="Cut repeat ASB by 10%", proposed_due_text="March 2015")
    proposal_decide(reviewer=world.user("chair"), proposal=proposal, approve=True)
    world.objective.refresh_from_db()
    assert (world.objective.title, world.objective.due_text) == ("Cut repeat ASB by 10%", "March 2015")


def test_empty_proposed_values_keep_the_objective_fields(world):
    world.objective.how_measured = "Police data"
    world.objective.save()
    proposal = _change(world, proposed_title="New wording")
    proposal_decide(reviewer=world.user("chair"), proposal=proposal, approve=True)
    world.objective.refresh_from_db()
    assert world.objective.how_measured == "Police data"


def test_a_rejected_change_leaves_the_objective_alone(world):
    title = world.objective.title
    proposal = _change(world, proposed_title="New wording")
    proposal_decide(reviewer=world.user("chair"), proposal=proposal, approve=False, note="Keep it.")
    world.objective.refresh_from_db()
    assert world.objective.title == title


def test_the_applied_change_is_in_the_history_as_the_deciders(world):
    chair = world.user("chair")
    proposal = _change(world, proposed_target_and_indicator="Fewer repeat callers")
    proposal_decide(reviewer=chair, proposal=proposal, approve=True)
    latest = world.objective.history.order_by("-history_date", "-history_id").first()
    assert (latest.target_and_indicator, latest.history_user) == ("Fewer repeat callers", chair)


def test_a_failing_apply_undoes_the_decision(world):
    proposal = _change(world, proposed_title="New wording")
    with (
        mock.patch("plans.services.reviews._apply_change", side_effect=ValidationError("Broken")),
        pytest.raises(ValidationError),
    ):
        proposal_decide(reviewer=world.user("chair"), proposal=proposal, approve=True)
    proposal.refresh_from_db()
    assert (proposal.decision, proposal.decided_by) == (ChangeProposal.Decision.PENDING, None)


def test_a_proposed_title_over_the_limit_is_refused(world):
    limit = text_limit(ChangeProposal, "proposed_title")
    with pytest.raises(ValidationError, match=f"{limit:,} characters or fewer"):
        _change(world, proposed_title="x" * (limit + 1))
    assert not ChangeProposal.objects.exists()


def test_a_change_with_only_new_values_needs_no_free_text(world):
    proposal = _change(world, proposed_due_text="Ongoing")
    assert (proposal.proposed_change, proposal.proposed_due_text) == ("", "Ongoing")


def test_a_field_outside_the_proposable_ones_is_refused(world):
    with pytest.raises(ValidationError, match="cannot be proposed"):
        _change(world, proposed_state="struck")


def test_the_page_takes_the_new_values_and_the_chair_sees_them(client, world):
    client.force_login(world.user("lead"))
    response = client.post(
        reverse("plans:proposal_create", args=[world.objective.pk]),
        {"proposal-kind": "change", "proposal-reason": "Reworded.", "proposal-proposed_title": "Reworded title"},
    )
    assert response.status_code == 302
    client.force_login(world.user("chair"))
    page = client.get(reverse("plans:objective_detail", args=[world.objective.pk]))
    assert "Reworded title" in page.text


def test_an_approval_through_the_page_applies_the_change(client, world):
    proposal = _change(world, proposed_due_text="Summer 2015")
    client.force_login(world.user("chair"))
    client.post(reverse("plans:proposal_decide", args=[proposal.pk]), {f"decide-{proposal.pk}-decision": "approve"})
    world.objective.refresh_from_db()
    assert world.objective.due_text == "Summer 2015"


@pytest.mark.parametrize(("proposal_field", "objective_field"), list(PROPOSED_FIELDS.items()))
def test_every_proposable_field_is_applied_and_kept_in_history(world, proposal_field, objective_field):
    chair = world.user("chair")
    history_before = world.objective.history.count()
    proposal = _change(world, **{proposal_field: "New wording for this field"})
    proposal_decide(reviewer=chair, proposal=proposal, approve=True)
    world.objective.refresh_from_db()
    assert getattr(world.objective, objective_field) == "New wording for this field"
    assert world.objective.history.count() == history_before + 1
    latest = world.objective.history.order_by("-history_date", "-history_id").first()
    assert getattr(latest, objective_field) == "New wording for this field"
    assert latest.history_user == chair
    assert latest.history_change_reason == f"Change proposal {proposal.pk} approved"


def test_every_proposed_field_of_the_model_is_proposable():
    """A `proposed_*` field added to ChangeProposal without a place in PROPOSED_FIELDS would never be applied."""
    on_model = {f.name for f in ChangeProposal._meta.fields if f.name.startswith("proposed_")} - {
        "proposed_change",
        "proposed_by",
        "proposed_at",
    }
    assert on_model == set(PROPOSED_FIELDS)
