"""Meeting packs: the agenda and its content, constant queries, decisions recorded against the meeting,
the action log carried from meeting to meeting, and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from csp.models import RagStatus
from plans.models import (
    ActionLogItem,
    ChangeProposal,
    Meeting,
    MeetingDecision,
    Objective,
    QuarterlyUpdate,
    Review,
)
from plans.selectors.meetings import AGENDA, meeting_pack_for
from plans.services.meetings import (
    action_item_create,
    action_item_mark_done,
    meeting_create,
    meeting_decide,
)
from plans.services.reviews import comment_create, proposal_create
from tests.factories import (
    AgencyFactory,
    ExpectedOutcomeFactory,
    GroupFactory,
    ObjectiveFactory,
    ObjectiveLeadFactory,
    OutcomeStatusFactory,
    QuarterFactory,
    QuarterlyUpdateFactory,
)

from .review_setup import ROLES, build_review_world

pytestmark = pytest.mark.django_db

MEETING_DAY = dt.date(2014, 7, 21)
S = QuarterlyUpdate.State
LONG_TITLE = (
    "Run a domestic abuse awareness campaign across every secondary school, GP surgery and library in the "
    "borough, with the DV Forum, and measure how many people ask for help afterwards"
)


@pytest.fixture
def world():
    world = build_review_world()
    world.objective.title = LONG_TITLE
    world.objective.save()
    return world


@pytest.fixture
def meeting(world):
    return meeting_create(user=world.user("chair"), group=world.odg, date=MEETING_DAY, minute_reference="ODG 14/07")


def _item(world, *, position: int, state=None, rag=RagStatus.GREEN, **fields) -> Objective:
    objective = ObjectiveFactory(plan=world.plan, position=position, **fields)
    objective.lead_groups.add(world.odg)
    if state is not None:
        QuarterlyUpdateFactory(
            objective=objective,
            period=world.q1,
            rag_status=rag,
            state=state,
            author=world.user("lead"),
            submitted_by=world.user("lead"),
            submitted_at=timezone.now(),
        )
    return objective


def _pack(world, meeting, role="chair"):
    return meeting_pack_for(user=world.user(role), meeting=meeting)


# The agenda ------------------------------------------------------------------------------------------------


def test_the_agenda_lists_red_amber_no_update_no_status_late_returned_then_the_rest(world, meeting):
    # Positions run against the agenda, so the order must come from the headings, not the plan.
    to_decide = _item(world, position=1, state=S.SUBMITTED, ref="G1")
    returned = _item(world, position=2, state=S.RETURNED, ref="F1")
    late = _item(world, position=3, state=S.APPROVED, ref="E1", due_date=dt.date(2014, 5, 1))
    no_status = _item(world, position=4, state=S.SUBMITTED, rag=RagStatus.NOT_UPDATED, ref="D1")
    no_update = _item(world, position=5, ref="C1")
    amber = _item(world, position=6, state=S.SUBMITTED, rag=RagStatus.AMBER, ref="B1")
    _item(world, position=7, state=S.APPROVED, ref="H1")  # green, approved, on time: not on the agenda
    world.objective.position = 8
    world.objective.save()

    pack = _pack(world, meeting)

    assert [section.key for section in pack.agenda] == [key for key, _label in AGENDA]
    assert [(section.key, [i.objective.ref for i in section.items]) for section in pack.agenda] == [
        ("red", ["DA1"]),
        ("amber", [amber.ref]),
        ("no_update", [no_update.ref]),
        ("no_status", [no_status.ref]),
        ("late", [late.ref]),
        ("returned", [returned.ref]),
        ("to_decide", [to_decide.ref]),
    ]


def test_an_item_shows_its_full_title_leads_status_reason_outcomes_and_progress(world, meeting):
    world.update.rag_note = "No venue has been found."
    world.update.save()
    first = ExpectedOutcomeFactory(objective=world.objective, number=1, text="Schools reached")
    ExpectedOutcomeFactory(objective=world.objective, number=2, text="Calls to the helpline")
    OutcomeStatusFactory(update=world.update, outcome=first, rag_status=RagStatus.RED, note="Two schools only.")

    (item,) = _pack(world, meeting).items

    assert item.objective.title == LONG_TITLE
    assert "Debbie Barker" in item.leads
    assert (item.status, item.reason, item.progress) == (
        "red",
        "No venue has been found.",
        "Campaign delayed: no venue yet.",
    )
    assert [(o.number, o.status, o.note) for o in item.outcomes] == [
        (1, "red", "Two schools only."),
        (2, "no_status", ""),
    ]
    assert item.awaits_review
    assert item.may_decide


def test_direction_of_travel_covers_the_last_four_quarters_by_the_status_rule(world):
    q3 = QuarterFactory(partnership=world.partnership, number=3)
    q4 = QuarterFactory(partnership=world.partnership, number=4)
    old = QuarterFactory(partnership=world.partnership, financial_year=2013, number=4)
    world.plan.current_period = q4
    world.plan.save()
    for period, rag, state in (
        (old, RagStatus.GREEN, S.APPROVED),
        (world.q2, RagStatus.AMBER, S.APPROVED),
        (q3, RagStatus.AMBER, S.DRAFT),  # a draft never gives the status: 'No update'
        (q4, RagStatus.GREEN, S.SUBMITTED),
    ):
        QuarterlyUpdateFactory(objective=world.objective, period=period, rag_status=rag, state=state)
    world.update.state = S.APPROVED
    world.update.save()
    meeting = meeting_create(user=world.user("chair"), group=world.odg, date=dt.date(2015, 1, 26))
    world.objective.due_date = dt.date(2015, 1, 1)  # overdue, so green Q4 is still on the agenda
    world.objective.save()

    (item,) = _pack(world, meeting).items

    assert [(period.label, status) for period, status in item.trend] == [
        ("Q1 2014/15", "red"),
        ("Q2 2014/15", "amber"),
        ("Q3 2014/15", "no_update"),
        ("Q4 2014/15", "green"),
    ]
    assert item.direction == "Improving"


def test_an_item_shows_its_comments_open_proposals_and_escalations(world, meeting):
    comment_create(author=world.user("lead"), objective=world.objective, text="Venue offered by the college.")
    proposal_create(
        proposer=world.user("lead"), objective=world.objective, kind="strike", reason="Done by the DV Forum."
    )
    meeting_decide(
        chair=world.user("chair"), meeting=meeting, kind="escalate", text="Needs funding.", update=world.update
    )

    (item,) = _pack(world, meeting).items

    assert [c.text for c in item.comments] == ["Venue offered by the college."]
    assert [p.reason for p in item.proposals] == ["Done by the DV Forum."]
    assert [e.note for e in item.escalations] == ["Needs funding."]
    assert [d.kind for d in item.decisions] == ["escalate"]


def test_an_item_has_more_below_its_summary_only_with_notes_or_a_decision_to_take(world, meeting, client):
    # The pack's template skips the rest of an item when `has_more` is false: it must be true whenever any part
    # below the summary would show.
    (item,) = _pack(world, meeting, role="viewer").items
    assert not item.may_decide  # no decision for a viewer to take
    assert not item.has_more  # and nothing open

    (item,) = _pack(world, meeting).items
    assert item.awaits_review
    assert item.may_decide
    assert item.has_more  # the chair's decision form

    comment_create(author=world.user("lead"), objective=world.objective, text="Venue offered by the college.")
    (item,) = _pack(world, meeting, role="viewer").items
    assert item.has_more

    client.force_login(world.user("viewer"))
    body = client.get(reverse("plans:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Venue offered by the college." in body
    assert 'name="kind"' not in body  # no decision form for a viewer


def _only_a_proposal(world, meeting):
    proposal_create(
        proposer=world.user("lead"), objective=world.objective, kind="strike", reason="Done by the DV Forum."
    )
    return "Done by the DV Forum."


def _only_a_decision(world, meeting):
    meeting_decide(chair=world.user("chair"), meeting=meeting, kind="approve", update=world.update)
    return "Decided at this meeting"


def _only_an_escalation(world, meeting):
    # Raised at an earlier meeting of the group: open on the item, but no decision at this one.
    earlier = meeting_create(user=world.user("chair"), group=world.odg, date=MEETING_DAY - dt.timedelta(days=28))
    meeting_decide(
        chair=world.user("chair"), meeting=earlier, kind="escalate", text="Needs funding.", update=world.update
    )
    return "Needs funding."


@pytest.mark.parametrize("only", [_only_a_proposal, _only_a_decision, _only_an_escalation])
def test_each_rare_part_alone_makes_an_item_show_more(world, meeting, client, only):
    # `has_more` names each part the template shows below the outcomes; with any one of them alone, a viewer (who
    # has no decision form) sees it on the page.
    words = only(world, meeting)

    (item,) = _pack(world, meeting, role="viewer").items
    assert not item.may_decide
    assert item.has_more

    client.force_login(world.user("viewer"))
    body = client.get(reverse("plans:meeting_detail", args=[meeting.pk])).content.decode()
    assert words in body


def test_the_boards_pack_lists_items_escalated_to_it(world, meeting):
    meeting_decide(
        chair=world.user("chair"), meeting=meeting, kind="escalate", text="Needs funding.", update=world.update
    )
    board_meeting = meeting_create(user=world.user("coordinator"), group=world.board, date=dt.date(2014, 10, 20))

    pack = meeting_pack_for(user=world.user("coordinator"), meeting=board_meeting)

    assert [item.objective.pk for item in pack.items] == [world.objective.pk]
    # The board resolves escalations; it does not review the ODG's updates from its pack.
    assert not pack.items[0].may_decide


def test_a_boards_chair_decides_on_the_boards_own_items_not_on_those_escalated_to_it(world, meeting):
    # `pack_owned`: read with each item (the group's own items), not a second list of ids.
    meeting_decide(
        chair=world.user("chair"), meeting=meeting, kind="escalate", text="Needs funding.", update=world.update
    )
    own = _item(world, position=9, state=S.SUBMITTED, rag=RagStatus.AMBER, ref="B9")
    own.lead_groups.set([world.board])
    board_meeting = meeting_create(user=world.user("coordinator"), group=world.board, date=dt.date(2014, 10, 20))

    pack = meeting_pack_for(user=world.user("coordinator"), meeting=board_meeting)

    decides = {item.objective.pk: item.may_decide for item in pack.items}
    assert decides == {world.objective.pk: False, own.pk: True}


def _busy_plan(world, count: int, *, start: int = 0) -> None:
    for n in range(start, start + count):
        objective = _item(world, position=10 + n, state=S.SUBMITTED, rag=RagStatus.AMBER, ref=f"X{n}")
        # Leads as plans write them: a person of an agency, an organisation and a group, each named in the pack.
        ObjectiveLeadFactory(objective=objective, agency=AgencyFactory(partnership=world.partnership))
        ObjectiveLeadFactory(objective=objective, person=None, agency=AgencyFactory(partnership=world.partnership))
        ObjectiveLeadFactory(objective=objective, person=None, group=GroupFactory(partnership=world.partnership))
        for number in (1, 2):
            outcome = ExpectedOutcomeFactory(objective=objective, number=number)
            update = objective.updates.get()
            OutcomeStatusFactory(update=update, outcome=outcome, rag_status=RagStatus.AMBER, note="Slow.")
        comment_create(author=world.user("coordinator"), objective=objective, text=f"Comment {n}")
        proposal_create(
            proposer=world.user("coordinator"), objective=objective, kind="strike", reason="Covered elsewhere."
        )


def _queries(callable_) -> int:
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured)


def test_the_pack_takes_the_same_number_of_queries_for_5_and_50_items(world, meeting, client):
    client.force_login(world.user("chair"))
    url = reverse("plans:meeting_detail", args=[meeting.pk])
    _busy_plan(world, 4)
    small = _queries(lambda: list(_pack(world, meeting).items))
    small_page = _queries(lambda: client.get(url))
    _busy_plan(world, 45, start=4)
    assert len(_pack(world, meeting).items) == 50
    assert _queries(lambda: list(_pack(world, meeting).items)) == small
    assert _queries(lambda: client.get(url)) == small_page


def test_the_pack_page_for_50_items_stays_within_its_query_budget(
    world, meeting, client, django_assert_max_num_queries
):
    _busy_plan(world, 49)
    client.force_login(world.user("chair"))
    with django_assert_max_num_queries(30):
        response = client.get(reverse("plans:meeting_detail", args=[meeting.pk]))
    assert response.status_code == 200
    assert response.text.count('class="app-pack-item"') == 50


# Decisions ---------------------------------------------------------------------------------------------


def _decide(client, meeting, **data):
    return client.post(reverse("plans:meeting_decide", args=[meeting.pk]), data)


def test_the_chair_approves_from_the_pack_and_the_decision_is_recorded_against_the_meeting(world, meeting, client):
    client.force_login(world.user("chair"))
    response = _decide(client, meeting, kind="approve", text="Good progress.", update=world.update.pk)
    assert response.status_code == 302
    world.update.refresh_from_db()
    assert world.update.state == S.APPROVED
    decision = MeetingDecision.objects.get()
    assert (decision.meeting, decision.objective, decision.update, decision.kind, decision.text) == (
        meeting,
        world.objective,
        world.update,
        "approve",
        "Good progress.",
    )
    assert Review.objects.get().decision == Review.Decision.APPROVED
    page = client.get(reverse("plans:meeting_detail", args=[meeting.pk])).text
    assert "Update approved" in page
    assert "Decided at this meeting" in page


def test_a_return_without_a_comment_shows_the_error_and_writes_nothing(world, meeting, client):
    client.force_login(world.user("chair"))
    response = _decide(client, meeting, kind="return", text="", update=world.update.pk)
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert f'href="#decision-update-{world.update.pk}-text"' in response.text
    assert "Enter a comment saying what the lead officers need to change" in response.text
    world.update.refresh_from_db()
    assert world.update.state == S.SUBMITTED
    assert not MeetingDecision.objects.exists()


def test_a_note_over_the_limit_is_refused_with_the_govuk_wording(world, meeting, client):
    client.force_login(world.user("chair"))
    response = _decide(client, meeting, kind="return", text="x" * 5001, update=world.update.pk)
    assert response.status_code == 400
    assert "The note must be 5,000 characters or fewer" in response.text
    assert not MeetingDecision.objects.exists()


def test_a_failure_recording_the_decision_undoes_the_decision_itself(world, meeting, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(MeetingDecision.objects, "create", broken)
    with pytest.raises(RuntimeError):
        meeting_decide(chair=world.user("chair"), meeting=meeting, kind="return", text="Fix it.", update=world.update)
    world.update.refresh_from_db()
    assert world.update.state == S.SUBMITTED
    assert not Review.objects.exists()


def test_a_refused_review_records_no_decision(world, meeting):
    world.update.submitted_by = world.user("chair")  # nobody reviews their own update
    world.update.save()
    with pytest.raises(ValidationError):
        meeting_decide(chair=world.user("chair"), meeting=meeting, kind="approve", update=world.update)
    assert not MeetingDecision.objects.exists()


def test_agreeing_a_strike_from_the_pack_strikes_the_objective(world, meeting, client):
    proposal = proposal_create(proposer=world.user("lead"), objective=world.objective, kind="strike", reason="Merged.")
    client.force_login(world.user("chair"))
    assert _decide(client, meeting, kind="strike", proposal=proposal.pk).status_code == 302
    world.objective.refresh_from_db()
    assert world.objective.is_struck
    assert MeetingDecision.objects.get().proposal == proposal


def test_a_strike_decision_on_a_change_proposal_is_refused(world, meeting):
    proposal = proposal_create(
        proposer=world.user("lead"), objective=world.objective, kind="change", reason="r", proposed_title="New title"
    )
    with pytest.raises(ValidationError, match="proposal to change"):
        meeting_decide(chair=world.user("chair"), meeting=meeting, kind="strike", proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.decision == ChangeProposal.Decision.PENDING


def test_an_item_of_another_group_cannot_be_decided_at_this_meeting(world):
    jag_meeting = meeting_create(user=world.user("coordinator"), group=world.jag, date=MEETING_DAY)
    with pytest.raises(ValidationError, match="not on the agenda"):
        meeting_decide(chair=world.user("coordinator"), meeting=jag_meeting, kind="approve", update=world.update)
    world.update.refresh_from_db()
    assert world.update.state == S.SUBMITTED


def test_a_group_has_one_meeting_per_date(world, meeting, client):
    client.force_login(world.user("chair"))
    response = client.post(reverse("plans:meeting_list", args=[world.odg.pk]), {"date": "21/07/2014"})
    assert response.status_code == 400
    assert "already has a meeting on 21 July 2014" in response.text
    assert Meeting.objects.count() == 1


def test_the_old_pack_address_opens_the_next_meeting(world, meeting, client):
    client.force_login(world.user("viewer"))
    later = meeting_create(user=world.user("chair"), group=world.odg, date=timezone.localdate() + dt.timedelta(days=7))
    response = client.get(reverse("plans:meeting_pack", args=[world.odg.pk]))
    assert response.status_code == 302
    assert response.url == reverse("plans:meeting_detail", args=[later.pk])


# The action log ----------------------------------------------------------------------------------------


def test_an_open_action_is_carried_into_every_later_pack_until_it_is_done(world, meeting):
    chair = world.user("chair")
    action = action_item_create(user=chair, meeting=meeting, text="Find a venue", owner_text="Debbie Barker")
    august = meeting_create(user=chair, group=world.odg, date=dt.date(2014, 8, 18))
    september = meeting_create(user=chair, group=world.odg, date=dt.date(2014, 9, 15))
    jag = meeting_create(user=world.user("coordinator"), group=world.jag, date=dt.date(2014, 8, 18))

    assert [a.text for a in _pack(world, august).actions] == ["Find a venue"]
    assert _pack(world, jag).actions == []
    action_item_mark_done(user=chair, item=action, on=august.date)

    assert [(a.text, a.done_on) for a in _pack(world, august).actions] == [("Find a venue", august.date)]
    assert _pack(world, september).actions == []
    assert [a.done_on for a in _pack(world, meeting).actions] == [august.date]


def test_an_action_needs_words_and_an_owner(world, meeting, client):
    client.force_login(world.user("chair"))
    response = client.post(
        reverse("plans:action_create", args=[meeting.pk]), {"action-text": "", "action-owner_text": ""}
    )
    assert response.status_code == 400
    assert 'href="#id_action-text"' in response.text
    assert not ActionLogItem.objects.exists()


def test_an_action_is_changed_and_marked_done_from_its_page(world, meeting, client):
    item = action_item_create(user=world.user("chair"), meeting=meeting, text="Find a venue", owner_text="DB")
    client.force_login(world.user("chair"))
    url = reverse("plans:action_edit", args=[item.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"text": "Find a venue for 200", "owner_text": "Debbie Barker", "due_date": "01/09/2014", "done_on": ""}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.text, item.owner_text, item.due_date, item.done_on) == (
        "Find a venue for 200",
        "Debbie Barker",
        dt.date(2014, 9, 1),
        None,
    )
    assert item.history.count() == 2


# Who may do what ---------------------------------------------------------------------------------------

READ_OK = {"coordinator", "chair", "other_chair", "lead", "analyst", "viewer"}
RUN_OK = {"coordinator", "chair"}


def _expected(role: str, allowed: set[str], ok: int) -> int:
    if role == "outsider":
        return 404
    return ok if role in allowed else 403


@pytest.mark.parametrize("role", ROLES)
def test_who_may_read_a_meetings_pack_and_list(world, meeting, client, role):
    client.force_login(world.user(role))
    expected = 404 if role == "outsider" else 200
    assert client.get(reverse("plans:meeting_detail", args=[meeting.pk])).status_code == expected
    assert client.get(reverse("plans:meeting_list", args=[world.odg.pk])).status_code == expected
    assert client.get(reverse("plans:meeting_pack", args=[world.odg.pk])).status_code in (
        {404} if role == "outsider" else {200, 302}
    )


@pytest.mark.parametrize("role", ROLES)
def test_who_may_take_a_decision_from_the_pack(world, meeting, client, role):
    client.force_login(world.user(role))
    response = _decide(client, meeting, kind="approve", update=world.update.pk)
    assert response.status_code == _expected(role, RUN_OK, 302)
    world.update.refresh_from_db()
    assert (world.update.state == S.APPROVED) == (role in RUN_OK)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_set_up_a_meeting(world, client, role):
    client.force_login(world.user(role))
    response = client.post(reverse("plans:meeting_list", args=[world.odg.pk]), {"date": "18/08/2014"})
    assert response.status_code == _expected(role, RUN_OK, 302)
    assert Meeting.objects.filter(group=world.odg).exists() == (role in RUN_OK)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_keep_the_action_log(world, meeting, client, role):
    item = action_item_create(user=world.user("chair"), meeting=meeting, text="Find a venue", owner_text="DB")
    client.force_login(world.user(role))
    add = client.post(
        reverse("plans:action_create", args=[meeting.pk]), {"action-text": "Book it", "action-owner_text": "DB"}
    )
    assert add.status_code == _expected(role, RUN_OK, 302)
    assert client.get(reverse("plans:action_edit", args=[item.pk])).status_code == _expected(role, RUN_OK, 200)
    done = client.post(reverse("plans:action_done", args=[item.pk]))
    assert done.status_code == _expected(role, RUN_OK, 302)
    item.refresh_from_db()
    assert (item.done_on is not None) == (role in RUN_OK)


def test_the_service_refuses_a_chair_of_another_group(world, meeting):
    with pytest.raises(PermissionDenied):
        meeting_decide(chair=world.user("other_chair"), meeting=meeting, kind="approve", update=world.update)
    with pytest.raises(PermissionDenied):
        action_item_create(user=world.user("other_chair"), meeting=meeting, text="x", owner_text="y")


# Evidence ----------------------------------------------------------------------------------------------


def _evidence(update, name, *, archived=False):
    from django.core.files.base import ContentFile

    from plans.models import UpdateEvidence
    from tests.factories import UserFactory

    return UpdateEvidence.objects.create(
        update=update,
        file=ContentFile(b"%PDF-1.4 evidence", name="stored.pdf"),
        filename=name,
        content_type="application/pdf",
        size=17,
        uploaded_by=UserFactory(),
        archived_at=timezone.now() if archived else None,
    )


def test_the_pack_lists_each_items_evidence_linking_to_the_authorised_download(
    world, meeting, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    kept = _evidence(world.update, "venue-search.pdf")
    _evidence(world.update, "removed.pdf", archived=True)
    client.force_login(world.user("chair"))

    (item,) = _pack(world, meeting).items
    html = client.get(reverse("plans:meeting_detail", args=[meeting.pk])).content.decode()

    assert [e.filename for e in item.evidence] == ["venue-search.pdf"]
    assert f'href="{reverse("plans:evidence_download", args=[kept.pk])}">venue-search.pdf</a>' in html
    assert "removed.pdf" not in html
    assert client.get(reverse("plans:evidence_download", args=[kept.pk])).status_code == 200


def test_evidence_in_the_pack_takes_no_query_per_item(world, meeting, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CSP_FRAGMENT_CACHE = False  # the queries of building the pack, each time
    client.force_login(world.user("chair"))
    url = reverse("plans:meeting_detail", args=[meeting.pk])

    def with_evidence():
        for update in QuarterlyUpdate.objects.filter(evidence__isnull=True):
            _evidence(update, f"file-{update.pk}.pdf")

    _busy_plan(world, 3)
    with_evidence()
    few = _queries(lambda: client.get(url))
    _busy_plan(world, 12, start=3)
    with_evidence()
    html = client.get(url).content.decode()
    assert html.count('class="govuk-list app-pack-evidence"') == 16
    assert _queries(lambda: client.get(url)) == few


def test_the_current_meeting_is_the_next_one_else_the_latest_else_the_groups_next_date():
    """current_meeting_for, in one query: the soonest meeting today or later; with none to come, the latest
    held; with none at all, an unsaved meeting on the group's next date."""
    from plans.selectors.meetings import current_meeting_for

    world = build_review_world()
    group = world.odg
    today = dt.date(2026, 6, 10)
    group.next_meeting = dt.date(2026, 7, 1)
    group.save()
    assert current_meeting_for(group=group, today=today).pk is None
    assert current_meeting_for(group=group, today=today).date == dt.date(2026, 7, 1)

    old, held = (Meeting.objects.create(group=group, date=dt.date(2026, m, 1)) for m in (3, 5))
    with CaptureQueriesContext(connection) as queries:
        assert current_meeting_for(group=group, today=today) == held
    assert len(queries) == 1
    later, sooner, on_the_day = (
        Meeting.objects.create(group=group, date=day)
        for day in (dt.date(2026, 9, 1), dt.date(2026, 7, 1), dt.date(2026, 6, 10))
    )
    assert current_meeting_for(group=group, today=today) == on_the_day
    assert current_meeting_for(group=group, today=dt.date(2026, 6, 11)) == sooner
    assert current_meeting_for(group=group, today=dt.date(2026, 9, 2)) == later
    # Before both March and May: the soonest to come (March), not the latest (September).
    assert current_meeting_for(group=group, today=dt.date(2026, 2, 1)) == old


def test_the_pack_names_leads_as_every_other_page_does(world, meeting, client):
    """A person with a job title and agency, an organisation and a group: the pack says what the plan page and
    reports say (plans.rules.lead_label), never 'None' for a lead who is not a person."""
    from plans.rules import leads_label

    objective = _item(world, position=90, state=S.SUBMITTED, rag=RagStatus.RED, ref="L1")
    police = AgencyFactory(partnership=world.partnership, name="Sussex Police", short_name="Police")
    ObjectiveLeadFactory(objective=objective, job_title="Chief Inspector", agency=police, position=1)
    ObjectiveLeadFactory(
        objective=objective,
        person=None,
        agency=AgencyFactory(partnership=world.partnership, short_name="Fire"),
        position=2,
    )
    ObjectiveLeadFactory(
        objective=objective, person=None, group=GroupFactory(partnership=world.partnership, name="JAG"), position=3
    )
    [item] = [item for item in _pack(world, meeting).items if item.objective.pk == objective.pk]
    expected = leads_label(objective.leads.select_related("person", "agency", "group").order_by("position"))
    assert item.leads == expected
    assert expected.endswith("Chief Inspector (Police); Fire; JAG")
    assert "None" not in item.leads
    client.force_login(world.user("chair"))
    assert expected in client.get(reverse("plans:meeting_detail", args=[meeting.pk])).content.decode()
