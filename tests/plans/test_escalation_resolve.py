"""The board chair or a coordinator resolves an escalation with a decision and a minute (issue 13 point 2)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from csp.limits import text_limit
from plans.models import Escalation
from plans.selectors.access import access_escalation
from plans.services.escalations import escalation_resolve
from plans.services.reviews import update_escalate

from .review_setup import build_review_world


@pytest.fixture
def world(db):
    world = build_review_world()
    # The JAG chair also chairs the board here, so the board has a chair with a login.
    world.board.chair = world.jag.chair
    world.board.save()
    return world


@pytest.fixture
def escalation(world):
    return update_escalate(reviewer=world.user("chair"), update=world.update, note="At risk: no venue.")


def test_the_board_chair_resolves_with_decision_and_minute(world, escalation):
    board_chair = world.user("other_chair")
    escalation_resolve(
        user=board_chair, escalation=escalation, decision="Police to fund a venue.", minute_reference="RAG 14/07 5"
    )
    escalation.refresh_from_db()
    assert (escalation.resolution, escalation.minute_reference, escalation.resolved_by) == (
        "Police to fund a venue.",
        "RAG 14/07 5",
        board_chair,
    )
    assert escalation.resolved_at is not None


def test_a_coordinator_resolves(world, escalation):
    escalation_resolve(user=world.user("coordinator"), escalation=escalation, decision="Noted.", minute_reference="5")
    escalation.refresh_from_db()
    assert escalation.resolved_by == world.user("coordinator")


@pytest.mark.parametrize("who", ["chair", "lead", "viewer", "analyst", "outsider"])
def test_others_may_not_resolve(world, escalation, who):
    with pytest.raises(PermissionDenied):
        escalation_resolve(user=world.user(who), escalation=escalation, decision="Noted.", minute_reference="5")
    escalation.refresh_from_db()
    assert escalation.resolved_at is None


def test_an_already_resolved_escalation_is_refused_with_a_message(world, escalation):
    escalation_resolve(user=world.user("coordinator"), escalation=escalation, decision="Noted.", minute_reference="5")
    with pytest.raises(ValidationError, match="already resolved"):
        escalation_resolve(
            user=world.user("other_chair"), escalation=escalation, decision="Again.", minute_reference="6"
        )
    escalation.refresh_from_db()
    assert escalation.resolution == "Noted."


@pytest.mark.parametrize(("decision", "minute", "field"), [("", "5", "decision"), ("Noted.", " ", "minute_reference")])
def test_decision_and_minute_are_needed(world, escalation, decision, minute, field):
    with pytest.raises(ValidationError) as error:
        escalation_resolve(
            user=world.user("coordinator"), escalation=escalation, decision=decision, minute_reference=minute
        )
    assert field in error.value.message_dict


def test_a_decision_over_the_limit_is_refused(world, escalation):
    limit = text_limit(Escalation, "resolution")
    with pytest.raises(ValidationError, match=f"{limit:,} characters or fewer"):
        escalation_resolve(
            user=world.user("coordinator"), escalation=escalation, decision="x" * (limit + 1), minute_reference="5"
        )


def test_the_resolution_is_in_the_history_as_the_resolvers(world, escalation):
    board_chair = world.user("other_chair")
    escalation_resolve(user=board_chair, escalation=escalation, decision="Noted.", minute_reference="5")
    latest = escalation.history.order_by("-history_date", "-history_id").first()
    assert (latest.resolution, latest.history_user) == ("Noted.", board_chair)


def test_another_partnerships_escalation_is_a_404(world, escalation):
    with pytest.raises(Http404):
        access_escalation(world.user("outsider"), escalation.pk)


def test_the_partnerships_board_chair_finds_the_escalation(world, escalation):
    assert access_escalation(world.user("other_chair"), escalation.pk) == escalation
