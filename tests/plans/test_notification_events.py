"""Each event of the review tells the right people, once (issue 13 point 3), and chairs may propose (point 5)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from csp.models import Notification, Role
from plans.models import ChangeProposal
from plans.services.escalations import escalation_resolve
from plans.services.reviews import proposal_create, proposal_decide, update_approve, update_escalate, update_return
from tests.factories import GroupFactory, MembershipFactory, PersonFactory

from .review_setup import build_review_world
from .test_updates_services import domestic_abuse_item, submit


@pytest.fixture
def world(db):
    world = build_review_world()
    # The JAG chair also chairs the board, so the board has a chair with a login.
    world.board.chair = world.jag.chair
    world.board.save()
    return world


def told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def test_a_submitted_update_tells_the_chairs_who_review_it(db, django_capture_on_commit_callbacks):
    item = domestic_abuse_item()
    chair_person = PersonFactory(partnership=item.partnership, name="ODG chair")
    odg = GroupFactory(partnership=item.partnership, name="ODG", chair=chair_person)
    item.objective.lead_groups.add(odg)
    chair = MembershipFactory(
        partnership=item.partnership, roles=[Role.GROUP_CHAIR], person=chair_person, username="odgchair"
    ).user
    MembershipFactory(partnership=item.partnership, roles=[Role.GROUP_CHAIR], username="unrelatedchair")
    with django_capture_on_commit_callbacks(execute=True):
        update = submit(item)
    assert told(Notification.Kind.UPDATE_SUBMITTED) == {"odgchair"}
    notification = Notification.objects.get(user=chair)
    assert str(update.period) in notification.title
    assert notification.url == f"/plans/objectives/{item.objective.pk}/"
    assert [m.to for m in mail.outbox] == [[chair.email]]


def test_a_returned_update_tells_the_lead_officer_with_the_comment(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        update_return(reviewer=world.user("chair"), update=world.update, comment="Add the dates.")
    assert told(Notification.Kind.UPDATE_RETURNED) == {"lead"}
    assert "Add the dates." in Notification.objects.get(kind=Notification.Kind.UPDATE_RETURNED).text
    assert len(mail.outbox) == 1


def test_an_approved_update_tells_the_lead_officer(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        update_approve(reviewer=world.user("chair"), update=world.update)
    assert told(Notification.Kind.UPDATE_APPROVED) == {"lead"}


def test_an_escalation_tells_the_board_chair_and_the_coordinators(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        escalation = update_escalate(reviewer=world.user("chair"), update=world.update, note="No venue.")
    assert told(Notification.Kind.ESCALATED) == {"jagchair", "coordinator"}
    assert Notification.objects.filter(kind=Notification.Kind.ESCALATED).first().url == (
        f"/plans/escalations/{escalation.pk}/resolve/"
    )


def test_a_resolution_tells_the_raising_chair_and_the_lead_officer(world, django_capture_on_commit_callbacks):
    escalation = update_escalate(reviewer=world.user("chair"), update=world.update, note="No venue.")
    with django_capture_on_commit_callbacks(execute=True):
        escalation_resolve(
            user=world.user("other_chair"), escalation=escalation, decision="Police fund it.", minute_reference="7"
        )
    assert told(Notification.Kind.ESCALATION_RESOLVED) == {"chair", "lead"}
    notification = Notification.objects.filter(kind=Notification.Kind.ESCALATION_RESOLVED).first()
    assert "minute 7" in notification.title
    assert notification.text == "Police fund it."


def test_a_proposal_tells_the_chair_and_its_decision_tells_the_proposer(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = proposal_create(proposer=world.user("lead"), objective=world.objective, kind="strike", reason="Done")
    assert told(Notification.Kind.PROPOSAL_MADE) == {"chair"}
    with django_capture_on_commit_callbacks(execute=True):
        proposal_decide(reviewer=world.user("chair"), proposal=proposal, approve=False, note="Keep it.")
    assert told(Notification.Kind.PROPOSAL_DECIDED) == {"lead"}


def test_telling_the_same_event_twice_records_and_sends_it_once(world, django_capture_on_commit_callbacks):
    from plans.services.notifications import notify_update_approved

    with django_capture_on_commit_callbacks(execute=True):
        update_approve(reviewer=world.user("chair"), update=world.update)
    with django_capture_on_commit_callbacks(execute=True):
        world.update.refresh_from_db()
        notify_update_approved(world.update, reviewer=world.user("chair"))
    assert Notification.objects.filter(kind=Notification.Kind.UPDATE_APPROVED).count() == 1
    assert len(mail.outbox) == 1


def test_a_refused_event_tells_nobody(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        update_return(reviewer=world.user("viewer"), update=world.update, comment="No.")
    assert not Notification.objects.exists()
    assert mail.outbox == []


# Point 5: who may propose ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["lead", "chair", "coordinator"])
def test_lead_officers_reviewing_chairs_and_coordinators_may_propose(world, who):
    proposal = proposal_create(proposer=world.user(who), objective=world.objective, kind="strike", reason="Done")
    assert proposal.decision == ChangeProposal.Decision.PENDING


@pytest.mark.parametrize("who", ["other_chair", "analyst", "viewer"])
def test_others_may_not_propose(world, who):
    with pytest.raises(PermissionDenied):
        proposal_create(proposer=world.user(who), objective=world.objective, kind="strike", reason="Done")


def test_a_chairs_proposal_is_decided_by_someone_else(world):
    proposal = proposal_create(proposer=world.user("chair"), objective=world.objective, kind="strike", reason="Done")
    proposal_decide(reviewer=world.user("coordinator"), proposal=proposal, approve=True)
    world.objective.refresh_from_db()
    assert world.objective.is_struck


def test_the_chair_sees_the_proposal_form_on_the_item_page(world, client):
    client.force_login(world.user("chair"))
    response = client.get(f"/plans/objectives/{world.objective.pk}/")
    assert "Propose to strike or change this objective" in response.content.decode()


def test_a_reminder_also_shows_in_the_app_without_a_second_email(db, django_capture_on_commit_callbacks):
    import datetime as dt

    from plans.services.reminders import reminders_send_due

    item = domestic_abuse_item()
    before_deadline = dt.date(2014, 10, 7)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send_due(today=before_deadline)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send_due(today=before_deadline)
    notification = Notification.objects.get(kind=Notification.Kind.REMINDER)
    assert notification.user == item.lead_user
    assert notification.title == "Reminder: your Q2 2014/15 updates are due by 14 October 2014"
    assert notification.email_state == Notification.EmailState.SEPARATE
    assert len(mail.outbox) == 1  # the reminder's own e-mail, once
