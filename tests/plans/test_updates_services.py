"""Writing quarterly updates: drafts, submission rules, locking, optimistic locking, history."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from csp.models import Partnership, Person, RagStatus, ReportingPeriod, Role
from plans.models import ExpectedOutcome, Milestone, Objective, QuarterlyUpdate
from plans.services.updates import (
    OutcomeInput,
    StaleUpdate,
    UpdateInput,
    UpdateLocked,
    update_save_draft,
    update_submit,
)
from tests.factories import (
    ActionFactory,
    ExpectedOutcomeFactory,
    MembershipFactory,
    MilestoneFactory,
    ObjectiveFactory,
    ObjectiveLeadFactory,
    PartnershipFactory,
    PersonFactory,
    PlanFactory,
    QuarterFactory,
    SectionFactory,
)


@dataclass
class DomesticAbuseItem:
    """Factory data shaped like Stevenage's domestic abuse section: one objective, two outcomes."""

    partnership: Partnership
    q1: ReportingPeriod
    q2: ReportingPeriod
    objective: Objective
    outcomes: list[ExpectedOutcome]
    milestones: list[Milestone]
    lead: Person
    lead_user: object


def domestic_abuse_item(partnership: Partnership | None = None, *, username: str | None = None) -> DomesticAbuseItem:
    partnership = partnership or PartnershipFactory(
        name="Stevenage Community Safety Partnership", short_name="SoSafe", slug="stevenage"
    )
    q1 = QuarterFactory(partnership=partnership, financial_year=2014, number=1)
    q2 = QuarterFactory(partnership=partnership, financial_year=2014, number=2)
    plan = PlanFactory(partnership=partnership, title="Community safety action plan 2014/15", current_period=q2)
    section = SectionFactory(plan=plan, number="2", title="Domestic abuse", position=2)
    objective = ObjectiveFactory(
        plan=plan,
        section=section,
        ref="2.1",
        title="Raise awareness of domestic abuse and the services available to victims",
    )
    ActionFactory(objective=objective, text="Deliver a White Ribbon campaign in November")
    outcomes = [
        ExpectedOutcomeFactory(objective=objective, number=1, text="At least 2 awareness campaigns undertaken"),
        ExpectedOutcomeFactory(objective=objective, number=2, text="Increase in reporting of domestic abuse"),
    ]
    milestones = [MilestoneFactory(objective=objective, text="White Ribbon event held", due_text="November 2014")]
    lead = PersonFactory(partnership=partnership, name=f"Debbie Barker {objective.pk}", job_title="")
    ObjectiveLeadFactory(objective=objective, person=lead)
    fields = {"username": username} if username else {}
    lead_user = MembershipFactory(partnership=partnership, roles=(Role.LEAD_OFFICER,), person=lead, **fields).user
    return DomesticAbuseItem(partnership, q1, q2, objective, outcomes, milestones, lead, lead_user)


def complete_input(item: DomesticAbuseItem, **overrides) -> UpdateInput:
    data = UpdateInput(
        progress="Two campaigns run; White Ribbon event planned for November.",
        rag_status=RagStatus.AMBER,
        rag_note="The November event depends on funding.",
        spend_to_date=Decimal("1250.50"),
        outcomes={
            item.outcomes[0].pk: OutcomeInput(RagStatus.GREEN, ""),
            item.outcomes[1].pk: OutcomeInput(RagStatus.RED, "Reporting fell this quarter."),
        },
        milestone_ids=[item.milestones[0].pk],
    )
    for name, value in overrides.items():
        setattr(data, name, value)
    return data


@pytest.fixture
def item(db) -> DomesticAbuseItem:
    return domestic_abuse_item()


def save(item, data=None, *, version=0, user=None, period=None):
    return update_save_draft(
        user=user or item.lead_user,
        objective=item.objective,
        period=period or item.q2,
        data=data or complete_input(item),
        version=version,
    )


def submit(item, data=None, *, version=0, user=None, today=dt.date(2014, 10, 1)):
    return update_submit(
        user=user or item.lead_user,
        objective=item.objective,
        period=item.q2,
        data=data or complete_input(item),
        version=version,
        today=today,
    )


def test_saving_a_draft_creates_the_update_with_outcome_statuses_and_milestones(item):
    update = save(item)
    assert update.state == QuarterlyUpdate.State.DRAFT
    assert update.version == 1
    assert update.spend_to_date == Decimal("1250.50")
    assert {(s.outcome.number, s.rag_status) for s in update.outcome_statuses.all()} == {(1, "green"), (2, "red")}
    assert list(update.milestones_met.all()) == item.milestones


def test_an_incomplete_draft_can_be_saved(item):
    update = save(item, UpdateInput(progress="Started."))
    assert update.progress == "Started."
    assert update.rag_status == RagStatus.NOT_UPDATED


def test_each_save_increments_the_version(item):
    first = save(item)
    second = save(item, complete_input(item, progress="More progress."), version=first.version)
    assert second.version == first.version + 1


def test_submitting_a_complete_update_marks_it_submitted(item):
    update = submit(item)
    assert update.state == QuarterlyUpdate.State.SUBMITTED
    assert update.submitted_by == item.lead_user
    assert update.submitted_at is not None
    assert update.is_late is False


def test_a_late_update_is_accepted_and_marked_late(item):
    update = submit(item, today=item.q2.update_deadline + dt.timedelta(days=1))
    assert update.state == QuarterlyUpdate.State.SUBMITTED
    assert update.is_late is True


def test_submit_requires_the_progress_narrative(item):
    with pytest.raises(ValidationError) as error:
        submit(item, complete_input(item, progress="  "))
    assert "progress" in error.value.message_dict


def test_submit_requires_an_overall_status(item):
    with pytest.raises(ValidationError) as error:
        submit(item, complete_input(item, rag_status=RagStatus.NOT_UPDATED))
    assert "rag_status" in error.value.message_dict


@pytest.mark.parametrize("status", [RagStatus.RED, RagStatus.AMBER])
def test_submit_requires_a_note_for_an_overall_red_or_amber(item, status):
    with pytest.raises(ValidationError) as error:
        submit(item, complete_input(item, rag_status=status, rag_note=""))
    assert "rag_note" in error.value.message_dict


def test_submit_requires_a_status_for_every_outcome(item):
    data = complete_input(item)
    del data.outcomes[item.outcomes[1].pk]
    with pytest.raises(ValidationError) as error:
        submit(item, data)
    assert f"outcome-{item.outcomes[1].pk}-rag_status" in error.value.message_dict


@pytest.mark.parametrize("status", [RagStatus.RED, RagStatus.AMBER])
def test_submit_requires_a_note_for_a_red_or_amber_outcome(item, status):
    data = complete_input(item)
    data.outcomes[item.outcomes[0].pk] = OutcomeInput(status, "")
    with pytest.raises(ValidationError) as error:
        submit(item, data)
    assert f"outcome-{item.outcomes[0].pk}-note" in error.value.message_dict


def test_a_refused_submit_saves_nothing(item):
    with pytest.raises(ValidationError):
        submit(item, complete_input(item, progress=""))
    assert not QuarterlyUpdate.objects.exists()


@pytest.mark.parametrize("state", [QuarterlyUpdate.State.SUBMITTED, QuarterlyUpdate.State.APPROVED])
def test_a_submitted_or_approved_update_is_locked(item, state):
    update = save(item)
    QuarterlyUpdate.objects.filter(pk=update.pk).update(state=state)
    with pytest.raises(UpdateLocked):
        save(item, complete_input(item, progress="Changed after submission."), version=update.version)
    update.refresh_from_db()
    assert update.progress != "Changed after submission."


def test_a_returned_update_can_be_edited_and_stays_returned_until_resubmitted(item):
    update = save(item)
    QuarterlyUpdate.objects.filter(pk=update.pk).update(state=QuarterlyUpdate.State.RETURNED)
    saved = save(item, complete_input(item, progress="Answered the reviewer."), version=update.version)
    assert saved.state == QuarterlyUpdate.State.RETURNED
    resubmitted = submit(item, complete_input(item, progress="Answered the reviewer."), version=saved.version)
    assert resubmitted.state == QuarterlyUpdate.State.SUBMITTED


def test_a_stale_second_save_is_refused_and_overwrites_nothing(item):
    first = save(item, complete_input(item, progress="Alice's text"))
    opened_at = first.version
    save(item, complete_input(item, progress="Bob's text"), version=opened_at)
    with pytest.raises(StaleUpdate) as stale:
        save(item, complete_input(item, progress="Alice's second text"), version=opened_at)
    assert stale.value.current.progress == "Bob's text"
    assert QuarterlyUpdate.objects.get().progress == "Bob's text"


def test_two_people_starting_a_new_update_cannot_both_create_it(item):
    save(item, complete_input(item, progress="First"), version=0)
    with pytest.raises(StaleUpdate):
        save(item, complete_input(item, progress="Second"), version=0)
    assert QuarterlyUpdate.objects.get().progress == "First"


def test_a_stale_submit_is_refused(item):
    first = save(item)
    save(item, version=first.version)
    with pytest.raises(StaleUpdate):
        submit(item, version=first.version)
    assert QuarterlyUpdate.objects.get().state == QuarterlyUpdate.State.DRAFT


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANALYST, Role.GROUP_CHAIR, Role.LEAD_OFFICER])
def test_someone_who_does_not_lead_the_objective_cannot_write_its_update(item, make_member, role):
    other = make_member(item.partnership, role)
    with pytest.raises(PermissionDenied):
        save(item, user=other)
    assert not QuarterlyUpdate.objects.exists()


def test_a_coordinator_can_write_an_update_for_a_lead_officer(item, make_member):
    coordinator = make_member(item.partnership, Role.COORDINATOR)
    assert save(item, user=coordinator).author == coordinator


def test_a_lead_officer_of_another_partnership_cannot_write_the_update(item):
    elsewhere = domestic_abuse_item(PartnershipFactory())
    with pytest.raises(PermissionDenied):
        save(item, user=elsewhere.lead_user)


def test_history_records_every_change_with_the_milestones_met(item):
    first = save(item, complete_input(item, milestone_ids=[]))
    save(item, complete_input(item, progress="Event held."), version=first.version)
    update = QuarterlyUpdate.objects.get()
    latest = update.history.first()
    assert latest.progress == "Event held."
    assert [m.milestone_id for m in latest.milestones_met.all()] == [item.milestones[0].pk]
    assert update.history.count() >= 2
    assert update.outcome_statuses.first().history.exists()


def test_milestones_of_another_objective_are_ignored(item):
    foreign = MilestoneFactory(objective=ObjectiveFactory(plan=item.objective.plan))
    update = save(item, complete_input(item, milestone_ids=[foreign.pk, item.milestones[0].pk]))
    assert list(update.milestones_met.all()) == item.milestones


@pytest.mark.services
def test_two_simultaneous_saves_from_the_same_version_let_exactly_one_through(postgres, transactional_db):
    item = domestic_abuse_item()
    opened = save(item, complete_input(item, progress="Opened"))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def writer(text: str) -> None:
        try:
            barrier.wait()
            save(item, complete_input(item, progress=text), version=opened.version)
            outcomes.append("saved")
        except StaleUpdate:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(text,)) for text in ("Alice", "Bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["saved", "stale"]
    update = QuarterlyUpdate.objects.get()
    assert update.version == opened.version + 1
    assert update.progress in ("Alice", "Bob")
