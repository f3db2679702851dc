"""The chairs' inbox and its bulk decisions: services (all or nothing, rights, versions) and the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from csp.models import RagStatus
from plans.models import Objective, QuarterlyUpdate, Review
from plans.rules import objective_is_overdue, overdue_reference_date
from plans.selectors.access import can_review, objectives_reviewable_by
from plans.selectors.inbox import INBOX_PAGE_SIZE, review_inbox
from plans.services.bulk_reviews import updates_bulk_approve, updates_bulk_return
from tests.factories import (
    AgencyFactory,
    GroupFactory,
    MilestoneFactory,
    ObjectiveFactory,
    ObjectiveLeadFactory,
    QuarterlyUpdateFactory,
)

from .review_setup import ROLES, build_review_world

INBOX = "/plans/review/inbox/"


@pytest.fixture
def world(db):
    world = build_review_world()
    second = ObjectiveFactory(plan=world.plan, section=world.objective.section, ref="DA2", title="Refuge places")
    second.lead_groups.add(world.odg)
    ObjectiveLeadFactory(objective=second, person=world.objective.leads.first().person)
    world.second = QuarterlyUpdateFactory(
        objective=second,
        period=world.q1,
        rag_status=RagStatus.GREEN,
        state=QuarterlyUpdate.State.SUBMITTED,
        progress="Two more refuge places opened.",
        author=world.user("lead"),
        submitted_by=world.user("lead"),
        submitted_at=timezone.now(),
    )
    return world


def _waiting(world, objective, period=None):
    """A submitted update (Q1 unless told) by the lead on an item of the chair's group: waiting in the chair's
    inbox."""
    objective.lead_groups.add(world.odg)
    return QuarterlyUpdateFactory(
        objective=objective,
        period=period or world.q1,
        state=QuarterlyUpdate.State.SUBMITTED,
        submitted_by=world.user("lead"),
        submitted_at=timezone.now(),
    )


def _selected(*updates):
    return [(u, u.version) for u in updates]


def _states(*updates):
    return [QuarterlyUpdate.objects.get(pk=u.pk).state for u in updates]


# --- The bulk services -------------------------------------------------------------------------------


def test_bulk_approve_approves_every_selected_update(world):
    decided = updates_bulk_approve(reviewer=world.user("chair"), selected=_selected(world.update, world.second))
    assert len(decided) == 2
    assert _states(world.update, world.second) == ["approved", "approved"]
    assert Review.objects.filter(decision=Review.Decision.APPROVED).count() == 2


def test_bulk_return_sends_one_comment_to_each_update(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        updates_bulk_return(
            reviewer=world.user("chair"), selected=_selected(world.update, world.second), comment="Add the dates."
        )
    for update in (world.update, world.second):
        update.refresh_from_db()
        assert update.state == QuarterlyUpdate.State.RETURNED
        assert update.review_comment == "Add the dates."
    assert len(mail.outbox) == 2


def test_bulk_return_needs_a_comment(world):
    with pytest.raises(ValidationError, match="Enter a comment"):
        updates_bulk_return(reviewer=world.user("chair"), selected=_selected(world.update), comment="  ")
    assert _states(world.update) == ["submitted"]


def test_bulk_approve_is_all_or_nothing_when_one_is_not_submitted(world):
    QuarterlyUpdate.objects.filter(pk=world.second.pk).update(state=QuarterlyUpdate.State.DRAFT)
    with pytest.raises(ValidationError, match="DA2.*Nothing was approved"):
        updates_bulk_approve(reviewer=world.user("chair"), selected=_selected(world.update, world.second))
    assert _states(world.update, world.second) == ["submitted", "draft"]
    assert not Review.objects.exists()


def test_bulk_approve_refuses_an_update_changed_since_the_page_was_loaded(world):
    seen = _selected(world.update, world.second)
    QuarterlyUpdate.objects.filter(pk=world.second.pk).update(version=world.second.version + 1)
    with pytest.raises(ValidationError, match="changed since you loaded this page"):
        updates_bulk_approve(reviewer=world.user("chair"), selected=seen)
    assert _states(world.update, world.second) == ["submitted", "submitted"]


@pytest.mark.parametrize("role", ["other_chair", "lead", "viewer"])
def test_bulk_approve_refuses_who_may_not_review_and_changes_nothing(world, role):
    with pytest.raises(PermissionDenied):
        updates_bulk_approve(reviewer=world.user(role), selected=_selected(world.update, world.second))
    assert _states(world.update, world.second) == ["submitted", "submitted"]


def test_bulk_approve_refuses_your_own_update(world):
    QuarterlyUpdate.objects.filter(pk=world.second.pk).update(author=world.user("chair"))
    with pytest.raises(ValidationError, match="your own update"):
        updates_bulk_approve(reviewer=world.user("chair"), selected=_selected(world.update, world.second))
    assert _states(world.update, world.second) == ["submitted", "submitted"]


# --- Who reviews what: the query agrees with can_review ----------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_reviewable_objectives_agree_with_can_review(world, role):
    user = world.user(role)
    plan_group_item = ObjectiveFactory(plan=world.plan, ref="PG1")  # no lead group: not the ODG's
    world.plan.owning_group = world.jag
    world.plan.save()
    found = set(objectives_reviewable_by(user).values_list("pk", flat=True))
    for objective in Objective.objects.filter(plan=world.plan).select_related("plan"):
        assert (objective.pk in found) == can_review(user, objective), (role, objective.ref)
    assert plan_group_item.pk in found or not can_review(user, plan_group_item)


# --- The inbox selector ------------------------------------------------------------------------------


def test_inbox_filters_waiting_returned_and_late(world):
    chair = world.user("chair")
    updates_bulk_return(reviewer=chair, selected=_selected(world.second), comment="Say how many places.")
    MilestoneFactory(objective=world.objective, text="Venue booked", due_date=dt.date(2014, 5, 1))
    today = dt.date(2014, 8, 1)
    waiting = review_inbox(user=chair, show="waiting", today=today)
    assert [r.update.pk for r in waiting.rows] == [world.update.pk]
    assert [r.update.pk for r in review_inbox(user=chair, show="returned", today=today).rows] == [world.second.pk]
    late = review_inbox(user=chair, show="late", today=today)
    assert [r.update.pk for r in late.rows] == [world.update.pk]
    assert late.counts == {"waiting": 1, "returned": 1, "late": 1}


def test_the_inbox_says_late_exactly_where_the_overdue_rule_does_on_each_quarters_reference_day(world):
    """The inbox reads every update, item and milestone date as rows and asks the overdue rule from them
    (`objective_overdue_from`); it must say what `objective_is_overdue` on the model instances says on each
    quarter's `overdue_reference_date`, for every shape of item, in two quarters."""
    chair, today = world.user("chair"), dt.date(2014, 8, 20)  # Q1 is judged on 30 June, Q2 on today
    shapes = {
        "due, past": {"due_date": dt.date(2014, 6, 1)},
        "due after Q1's end": {"due_date": dt.date(2014, 7, 15)},
        "due later": {"due_date": dt.date(2015, 3, 31)},
        "milestone missed": {"milestone": {"due_date": dt.date(2014, 5, 1)}},
        "milestone met in time": {"milestone": {"due_date": dt.date(2014, 5, 1), "completed_on": dt.date(2014, 4, 20)}},
        "milestone met late": {"milestone": {"due_date": dt.date(2014, 5, 1), "completed_on": dt.date(2014, 7, 10)}},
        "milestone after Q1": {"milestone": {"due_date": dt.date(2014, 8, 1)}},
        "completed item": {"due_date": dt.date(2014, 6, 1), "state": Objective.State.COMPLETED},
    }
    expected = {}
    for n, shape in enumerate(shapes.values()):
        objective = ObjectiveFactory(
            plan=world.plan, ref=f"L{n}", due_date=shape.get("due_date"), state=shape.get("state", "active")
        )
        if "milestone" in shape:
            MilestoneFactory(objective=objective, **shape["milestone"])
        for period in (world.q1, world.q2):
            update = _waiting(world, objective, period)
            reference = overdue_reference_date(period, today=today)
            expected[update.pk] = objective_is_overdue(Objective.objects.get(pk=objective.pk), reference)

    inbox = review_inbox(user=chair, show="waiting", today=today)

    found = {row.update.pk: row.objective_overdue for row in inbox.rows if row.update.pk in expected}
    assert found == expected
    # Late in both quarters: due past, milestone missed; only in Q1: met late; only in Q2: due after Q1's end,
    # milestone after Q1. So the quarter's own reference day decides, not today.
    assert sum(expected.values()) == 7
    late = review_inbox(user=chair, show="late", today=today)
    assert {row.update.pk for row in late.rows} >= {pk for pk, overdue in expected.items() if overdue}
    assert late.counts["late"] == len(late.rows)


def test_a_long_inbox_comes_in_pages_of_fifty_with_the_counts_of_all(client, world):
    chair = world.user("chair")
    for n in range(INBOX_PAGE_SIZE + 8):
        _waiting(world, ObjectiveFactory(plan=world.plan, ref=f"P{n:02}"))
    waiting = INBOX_PAGE_SIZE + 8 + 2  # and the world's two

    first = review_inbox(user=chair, show="waiting")
    second = review_inbox(user=chair, show="waiting", page=2)
    assert len(first.rows) == INBOX_PAGE_SIZE
    assert len(second.rows) == waiting - INBOX_PAGE_SIZE
    assert {r.update.pk for r in first.rows}.isdisjoint(r.update.pk for r in second.rows)
    assert first.counts == second.counts == {"waiting": waiting, "returned": 0, "late": 0}
    assert review_inbox(user=chair, page="not a number").page.number == 1

    client.force_login(chair)
    html = client.get(INBOX).content.decode()
    assert html.count("data-update=") == INBOX_PAGE_SIZE
    assert f"Showing 1 to 50 of {waiting} updates." in html
    assert f"Waiting for my review ({waiting})" in html
    page_two = client.get(INBOX, {"show": "waiting", "page": 2}).content.decode()  # not page 1 kept
    assert page_two.count("data-update=") == waiting - INBOX_PAGE_SIZE
    assert f"Showing 51 to {waiting} of {waiting} updates." in page_two
    assert 'href="?show=waiting&amp;page=1#updates"' in page_two
    # A return without a comment from page 2 comes back to page 2 with the error and the tick kept.
    last = second.rows[-1].update
    response = client.post(
        INBOX,
        {"show": "waiting", "page": 2, "update": [last.pk], f"version-{last.pk}": last.version, "action": "return"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Showing 51 to {waiting} of {waiting} updates." in html
    assert f'value="{last.pk}" checked' in html
    assert _states(last) == ["submitted"]


def test_inbox_leaves_out_another_groups_items_and_your_own(world):
    assert review_inbox(user=world.user("other_chair")).rows == []
    QuarterlyUpdate.objects.filter(pk=world.second.pk).update(author=world.user("chair"))
    assert [r.update.pk for r in review_inbox(user=world.user("chair")).rows] == [world.update.pk]


# --- The page ----------------------------------------------------------------------------------------

PAGE_STATUS = {
    "coordinator": 200,
    "chair": 200,
    "other_chair": 200,
    "lead": 403,
    "analyst": 403,
    "viewer": 403,
    "outsider": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_inbox_page_permission_matrix(client, world, role):
    client.force_login(world.user(role))
    response = client.get(INBOX)
    assert response.status_code == PAGE_STATUS[role]
    if response.status_code == 200:
        shown = f'data-update="{world.update.pk}"' in response.content.decode()
        assert shown == (role in ("coordinator", "chair"))


@pytest.mark.parametrize("role", ROLES)
def test_posting_another_partnerships_update_is_404_for_every_role(client, world, role):
    other = build_review_world(prefix="other-")
    client.force_login(world.user(role))
    response = client.post(
        INBOX, {"update": [other.update.pk], f"version-{other.update.pk}": other.update.version, "action": "approve"}
    )
    assert response.status_code == (403 if PAGE_STATUS[role] == 403 else 404)
    assert _states(other.update) == ["submitted"]


def test_inbox_page_approves_selected_updates(client, world):
    client.force_login(world.user("chair"))
    response = client.post(
        INBOX,
        {
            "update": [world.update.pk, world.second.pk],
            f"version-{world.update.pk}": world.update.version,
            f"version-{world.second.pk}": world.second.version,
            "action": "approve",
            "show": "waiting",
        },
    )
    assert response.status_code == 302
    assert _states(world.update, world.second) == ["approved", "approved"]
    assert "You approved 2 updates." in client.get(response.url).content.decode()


def test_inbox_page_return_without_a_comment_shows_the_error_and_keeps_the_ticks(client, world):
    client.force_login(world.user("chair"))
    response = client.post(
        INBOX, {"update": [world.update.pk], f"version-{world.update.pk}": world.update.version, "action": "return"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Enter a comment saying what the lead officers need to change" in page
    assert f'value="{world.update.pk}" checked' in page
    assert _states(world.update) == ["submitted"]


def test_inbox_page_refuses_a_stale_update_with_a_message(client, world):
    client.force_login(world.user("chair"))
    stale = world.second.version
    QuarterlyUpdate.objects.filter(pk=world.second.pk).update(version=stale + 1)
    response = client.post(
        INBOX,
        {
            "update": [world.update.pk, world.second.pk],
            f"version-{world.update.pk}": world.update.version,
            f"version-{world.second.pk}": stale,
            "action": "approve",
        },
    )
    assert response.status_code == 400
    assert "DA2 (" in response.content.decode()
    assert "changed since you loaded this page" in response.content.decode()
    assert _states(world.update, world.second) == ["submitted", "submitted"]


def test_inbox_page_runs_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.user("chair"))
    with CaptureQueriesContext(connection) as two_rows:
        client.get(INBOX)
    for n in range(8):
        objective = ObjectiveFactory(plan=world.plan, ref=f"X{n}")
        MilestoneFactory(objective=objective)
        # Leads as plans write them: a person of an agency, an organisation, a group (each named on the page).
        ObjectiveLeadFactory(
            objective=objective, agency=AgencyFactory(partnership=world.partnership, short_name=f"AX{n}")
        )
        ObjectiveLeadFactory(
            objective=objective, person=None, agency=AgencyFactory(partnership=world.partnership, short_name=f"OX{n}")
        )
        ObjectiveLeadFactory(
            objective=objective, person=None, group=GroupFactory(partnership=world.partnership, name=f"Group X{n}")
        )
        _waiting(world, objective)
    with django_assert_max_num_queries(len(two_rows)):
        response = client.get(INBOX)
    html = response.content.decode()
    assert html.count("data-update=") == 10
    assert all(f"(AX{n}); OX{n}; Group X{n}</span>" in html for n in range(8))


def test_a_chair_of_another_group_posting_an_update_they_do_not_review_is_refused(client, world):
    client.force_login(world.user("other_chair"))
    response = client.post(
        INBOX, {"update": [world.update.pk], f"version-{world.update.pk}": world.update.version, "action": "approve"}
    )
    assert response.status_code == 403
    assert _states(world.update) == ["submitted"]


def test_a_superuser_reviews_every_objective(world, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "a-long-password-1")
    assert set(objectives_reviewable_by(admin)) == set(Objective.objects.all())


def test_an_item_without_structured_leads_shows_the_plans_own_words(client, world):
    """As the plan page, dashboard, item page and pack do (plans.rules.leads_or_text)."""
    _waiting(world, ObjectiveFactory(plan=world.plan, ref="DA9", lead_text="Head of Community Safety (SBC)"))
    client.force_login(world.user("chair"))
    html = client.get(INBOX).content.decode()
    assert "lead: Head of Community Safety (SBC)</span>" in html
