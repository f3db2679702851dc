"""The lead officer's pages through real HTTP requests: my items, the update page, reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from csp.models import Agency, RagStatus, Role
from plans.models import QuarterlyUpdate, Reminder
from plans.selectors.updates import deadline_text
from tests.factories import (
    AgencyFactory,
    ExpectedOutcomeFactory,
    ObjectiveFactory,
    ObjectiveLeadFactory,
    OutcomeStatusFactory,
    PartnershipFactory,
    QuarterlyUpdateFactory,
)
from tests.plans.test_updates_services import domestic_abuse_item


@pytest.fixture
def item(db):
    return domestic_abuse_item()


def edit_url(item, period=None):
    return reverse("plans:update_edit", args=[item.objective.pk, (period or item.q2).pk])


def form_data(item, action="save", version=0, **overrides):
    first, second = item.outcomes
    data = {
        "version": version,
        "progress": "Two campaigns run this quarter.",
        "rag_status": "amber",
        "rag_note": "The November event depends on funding.",
        f"outcome-{first.pk}-rag_status": "green",
        f"outcome-{first.pk}-note": "",
        f"outcome-{second.pk}-rag_status": "amber",
        f"outcome-{second.pk}-note": "Reporting is steady.",
        "milestones_met": [item.milestones[0].pk],
        "spend_to_date": "£1,250.50",
        "action": action,
    }
    data.update(overrides)
    return data


# My items


def test_my_items_lists_my_objective_under_its_plan_and_section_with_the_update_state(client, item):
    client.force_login(item.lead_user)
    response = client.get(reverse("plans:my_items"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Community safety action plan 2014/15" in page
    assert "2 Domestic abuse" in page
    assert "Raise awareness of domestic abuse" in page
    assert "Not started" in page
    assert edit_url(item) in page


def test_my_items_says_when_a_long_past_deadline_passed_rather_than_counting_days(client, item):
    client.force_login(item.lead_user)
    page = client.get(reverse("plans:my_items")).content.decode()
    assert "Deadline passed on 14 October 2014" in page
    assert "days ago" not in page
    assert ">Late<" in page


@pytest.mark.parametrize(
    ("state", "label"),
    [
        (QuarterlyUpdate.State.DRAFT, "Draft"),
        (QuarterlyUpdate.State.SUBMITTED, "Submitted"),
        (QuarterlyUpdate.State.RETURNED, "Returned with a comment"),
        (QuarterlyUpdate.State.APPROVED, "Approved"),
    ],
)
def test_my_items_shows_this_quarters_update_state(client, item, state, label):
    QuarterlyUpdateFactory(objective=item.objective, period=item.q2, state=state)
    client.force_login(item.lead_user)
    page = client.get(reverse("plans:my_items")).content.decode()
    assert f">{label}</strong>" in page


def test_a_submitted_update_is_not_flagged_late(client, item):
    QuarterlyUpdateFactory(objective=item.objective, period=item.q2, state=QuarterlyUpdate.State.SUBMITTED)
    client.force_login(item.lead_user)
    assert ">Late<" not in client.get(reverse("plans:my_items")).content.decode()


def test_my_items_lists_my_agencys_other_objectives_separately(client, item):
    agency = AgencyFactory(partnership=item.partnership, name="Stevenage Borough Council", short_name="SBC")
    item.lead.agency = agency
    item.lead.save()
    colleagues = ObjectiveFactory(plan=item.objective.plan, title="Run the Cut Them Free campaign")
    colleagues.lead_agencies.add(agency)
    client.force_login(item.lead_user)
    page = client.get(reverse("plans:my_items")).content.decode()
    mine, agency_part = page.split("My agency's other objectives")
    assert "Run the Cut Them Free campaign" in agency_part
    assert "Run the Cut Them Free campaign" not in mine


def test_my_items_does_not_list_another_partnerships_objectives(client, item):
    elsewhere = domestic_abuse_item(PartnershipFactory())
    elsewhere.objective.title = "Hastings objective"
    elsewhere.objective.save()
    client.force_login(item.lead_user)
    assert "Hastings objective" not in client.get(reverse("plans:my_items")).content.decode()


def _my_items_queries(client, item, count: int) -> int:
    for n in range(count - 1):
        # Own refs: the factory's sequence can give the item's own ref when this test runs first.
        objective = ObjectiveFactory(plan=item.objective.plan, section=item.objective.section, ref=f"MI{n}")
        ObjectiveLeadFactory(objective=objective, person=item.lead)
        ExpectedOutcomeFactory(objective=objective, number=1)
        if n % 2:
            QuarterlyUpdateFactory(objective=objective, period=item.q2)
    client.force_login(item.lead_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("plans:my_items"))
    assert response.status_code == 200
    assert response.content.decode().count("data-objective=") == count
    return len(queries)


def test_my_items_runs_the_same_number_of_queries_for_5_and_50_items(client, db):
    few = _my_items_queries(client, domestic_abuse_item(), 5)
    many = _my_items_queries(client, domestic_abuse_item(PartnershipFactory()), 50)
    assert few == many
    assert many <= 15


@pytest.mark.parametrize(
    ("deadline", "today", "expected"),
    [
        (dt.date(2014, 10, 14), dt.date(2014, 10, 4), "Due 14 October 2014 (10 days left)"),
        (dt.date(2014, 10, 14), dt.date(2014, 10, 13), "Due 14 October 2014 (1 day left)"),
        (dt.date(2014, 10, 14), dt.date(2014, 10, 14), "Due today, 14 October 2014"),
        (dt.date(2014, 10, 14), dt.date(2014, 10, 15), "Deadline passed on 14 October 2014 (1 day ago)"),
        (dt.date(2014, 10, 14), dt.date(2014, 10, 24), "Deadline passed on 14 October 2014 (10 days ago)"),
        (dt.date(2014, 10, 14), dt.date(2026, 5, 1), "Deadline passed on 14 October 2014"),
        (None, dt.date(2026, 5, 1), "No deadline set"),
    ],
)
def test_deadline_text(deadline, today, expected):
    assert deadline_text(deadline, today=today) == expected


# The update page


def test_update_page_summarises_the_objective_and_shows_the_partnerships_status_meanings(client, item):
    item.partnership.green_meaning = "Complete – nothing more to do"
    item.partnership.save()
    client.force_login(item.lead_user)
    page = client.get(edit_url(item)).content.decode()
    assert "Raise awareness of domestic abuse" in page
    assert "Deliver a White Ribbon campaign in November" in page
    assert "At least 2 awareness campaigns undertaken" in page
    assert "White Ribbon event held" in page
    assert "Complete – nothing more to do" in page
    assert 'name="version" value="0"' in page


def test_building_the_update_page_reads_its_objective_once(client, item, settings):
    """The access rule's read of the objective is the one the page is built on (not read again to build it)."""
    settings.CSP_FRAGMENT_CACHE = False
    client.force_login(item.lead_user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(edit_url(item))
    assert page.status_code == 200
    assert "Raise awareness of domestic abuse" in page.content.decode()
    objective_reads = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "plans_objective"."id"')
    ]
    assert len(objective_reads) == 1


def test_update_page_shows_last_quarters_update_beside_the_form(client, item):
    previous = QuarterlyUpdateFactory(
        objective=item.objective, period=item.q1, progress="Q1: campaign launched.", state="approved"
    )
    OutcomeStatusFactory(update=previous, outcome=item.outcomes[0], rag_status=RagStatus.RED, note="Not started")
    client.force_login(item.lead_user)
    page = client.get(edit_url(item)).content.decode()
    assert "Last quarter (Q1 2014/15)" in page
    assert "Q1: campaign launched." in page
    assert "Copy last quarter" in page


def test_copy_last_quarter_starts_the_form_from_its_text_without_javascript(client, item):
    previous = QuarterlyUpdateFactory(
        objective=item.objective, period=item.q1, progress="Q1: campaign launched.", state="approved"
    )
    OutcomeStatusFactory(update=previous, outcome=item.outcomes[0], rag_status=RagStatus.RED, note="Not started")
    client.force_login(item.lead_user)
    empty = {"version": 0, "progress": "", "action": "copy"}
    page = client.post(edit_url(item), empty).content.decode()
    assert ">Q1: campaign launched.</textarea>" in page
    assert (
        f'id="id_outcome-{item.outcomes[0].pk}-rag_status-red" name="outcome-{item.outcomes[0].pk}-rag_status"' in page
    )
    assert 'value="red" checked' in page
    assert ">Not started</textarea>" in page


def test_another_quarter_of_the_plan_can_be_chosen(client, item):
    client.force_login(item.lead_user)
    page = client.get(edit_url(item)).content.decode()
    assert edit_url(item, item.q1) in page
    response = client.get(edit_url(item, item.q1))
    assert response.status_code == 200
    assert "Q1 2014/15 update" in response.content.decode()


def test_saving_a_draft_keeps_the_lead_officer_on_the_page(client, item):
    client.force_login(item.lead_user)
    response = client.post(edit_url(item), form_data(item))
    assert response.status_code == 302
    assert response.url == edit_url(item)
    update = QuarterlyUpdate.objects.get()
    assert update.state == QuarterlyUpdate.State.DRAFT
    assert str(update.spend_to_date) == "1250.50"
    assert "Draft saved" in client.get(response.url).content.decode()


def test_milestones_met_come_back_ticked_and_an_update_without_any_reads_none(client, item):
    """The update page reads milestones met only for updates that record some (csp.prefetch): a saved one
    comes back ticked, the other milestones unticked."""
    client.force_login(item.lead_user)
    client.post(edit_url(item), form_data(item))
    form = client.get(edit_url(item)).context["form"]
    assert form.initial["milestones_met"] == [item.milestones[0].pk]
    client.post(edit_url(item), form_data(item, version=1, milestones_met=[]))
    assert list(QuarterlyUpdate.objects.get().milestones_met.all()) == []
    assert client.get(edit_url(item)).context["form"].initial["milestones_met"] == []


def test_submitting_goes_to_my_items_where_the_update_is_listed_as_submitted(client, item):
    client.force_login(item.lead_user)
    response = client.post(edit_url(item), form_data(item, action="submit"), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("plans:my_items")
    assert "was submitted" in page
    assert ">Submitted</strong>" in page
    assert QuarterlyUpdate.objects.get().state == QuarterlyUpdate.State.SUBMITTED


def test_red_without_a_note_is_refused_with_the_error_beside_the_field_and_the_text_kept(client, item):
    client.force_login(item.lead_user)
    response = client.post(
        edit_url(item), form_data(item, action="submit", rag_status="red", rag_note="", progress="My careful words")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert page.count("Enter why the overall status is red") == 2  # summary and beside the field
    assert ">My careful words</textarea>" in page
    assert not QuarterlyUpdate.objects.exists()


def test_an_outcome_without_a_status_is_refused_on_submit(client, item):
    client.force_login(item.lead_user)
    second = item.outcomes[1]
    response = client.post(edit_url(item), form_data(item, action="submit", **{f"outcome-{second.pk}-rag_status": ""}))
    page = response.content.decode()
    assert "Select a status for outcome 2" in page
    assert f'href="#id_outcome-{second.pk}-rag_status"' in page


@pytest.mark.parametrize("spend", ["lots", "-5", "12.345"])
def test_spend_to_date_must_be_pounds(client, item, spend):
    client.force_login(item.lead_user)
    response = client.post(edit_url(item), form_data(item, spend_to_date=spend))
    assert response.status_code == 200
    assert 'href="#id_spend_to_date"' in response.content.decode()
    assert not QuarterlyUpdate.objects.exists()


def test_a_stale_save_is_refused_and_shows_both_texts_to_merge(client, item, make_member):
    coordinator = make_member(item.partnership, Role.COORDINATOR)
    client.force_login(item.lead_user)
    client.post(edit_url(item), form_data(item, progress="First save"))
    opened_version = QuarterlyUpdate.objects.get().version
    client.force_login(coordinator)
    client.post(edit_url(item), form_data(item, progress="Coordinator's save", version=opened_version))
    client.force_login(item.lead_user)
    response = client.post(edit_url(item), form_data(item, progress="Lead's late save", version=opened_version))
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this update" in page
    assert ">Lead&#x27;s late save</textarea>" in page
    assert "Saved by someone else" in page
    assert "Coordinator&#x27;s save" in page
    assert f'name="version" value="{opened_version + 1}"' in page
    assert QuarterlyUpdate.objects.get().progress == "Coordinator's save"


def test_a_submitted_update_is_shown_read_only(client, item):
    QuarterlyUpdateFactory(objective=item.objective, period=item.q2, state="submitted", progress="Done and dusted.")
    client.force_login(item.lead_user)
    page = client.get(edit_url(item)).content.decode()
    assert "locked" in page
    assert "Done and dusted." in page
    assert "<textarea" not in page


def test_posting_to_a_submitted_update_changes_nothing(client, item):
    update = QuarterlyUpdateFactory(objective=item.objective, period=item.q2, state="submitted", progress="Final.")
    client.force_login(item.lead_user)
    response = client.post(edit_url(item), form_data(item, progress="Sneaky change", version=update.version))
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.progress == "Final."


def test_a_returned_update_shows_the_reviewers_comment_and_can_be_edited(client, item):
    QuarterlyUpdateFactory(
        objective=item.objective, period=item.q2, state="returned", review_comment="Please add the figures."
    )
    client.force_login(item.lead_user)
    page = client.get(edit_url(item)).content.decode()
    assert "Please add the figures." in page
    assert "<textarea" in page


# Permissions: 404 where not visible, 403 where visible but not yours.


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_partnerships_objective_is_not_found(client, item, method):
    elsewhere = domestic_abuse_item(PartnershipFactory())
    client.force_login(item.lead_user)
    response = getattr(client, method)(edit_url(elsewhere), form_data(elsewhere) if method == "post" else None)
    assert response.status_code == 404


def test_a_quarter_of_another_partnership_is_not_found(client, item):
    elsewhere = domestic_abuse_item(PartnershipFactory())
    client.force_login(item.lead_user)
    url = reverse("plans:update_edit", args=[item.objective.pk, elsewhere.q2.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANALYST, Role.GROUP_CHAIR, Role.LEAD_OFFICER])
def test_a_member_who_does_not_lead_the_objective_cannot_edit_it(client, item, make_member, role):
    other = make_member(item.partnership, role)
    client.force_login(other)
    assert client.post(edit_url(item), form_data(item)).status_code == 403
    page = client.get(edit_url(item)).content.decode()
    assert "Only the lead officers of this objective can write its updates." in page
    assert "<textarea" not in page
    assert not QuarterlyUpdate.objects.exists()


@pytest.mark.parametrize("name", ["plans:my_items", "plans:reminders"])
def test_pages_ask_an_anonymous_visitor_to_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# Reminders page


def _reminder(item, email="debbie@example.org"):
    reminder = Reminder.objects.create(
        person=item.lead, period=item.q2, kind=Reminder.Kind.BEFORE_DEADLINE, email=email
    )
    reminder.objectives.add(item.objective)
    return reminder


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.COORDINATOR, 200),
        (Role.GROUP_CHAIR, 403),
        (Role.LEAD_OFFICER, 403),
        (Role.ANALYST, 403),
        (Role.VIEWER, 403),
    ],
)
def test_only_a_coordinator_sees_the_reminders_page(client, item, make_member, role, status):
    client.force_login(make_member(item.partnership, role))
    assert client.get(reverse("plans:reminders")).status_code == status


def test_a_coordinator_sees_who_was_reminded_in_their_partnership_only(client, item, make_member):
    _reminder(item)
    elsewhere = domestic_abuse_item(PartnershipFactory())
    _reminder(elsewhere, email="hastings-lead@example.org")
    client.force_login(make_member(item.partnership, Role.COORDINATOR))
    page = client.get(reverse("plans:reminders")).content.decode()
    assert "debbie@example.org" in page
    assert "Before the deadline" in page
    assert "2.1" in page
    assert "hastings-lead@example.org" not in page


def test_agency_lookup_ignores_an_agency_of_another_partnership(client, item):
    agency = Agency.objects.create(partnership=PartnershipFactory(), name="Other council")
    foreign = domestic_abuse_item(agency.partnership)
    foreign.objective.title = "Objective of another partnership"
    foreign.objective.save()
    foreign.objective.lead_agencies.add(agency)
    item.lead.agency = agency
    item.lead.save()
    client.force_login(item.lead_user)
    page = client.get(reverse("plans:my_items")).content.decode()
    assert foreign.objective.short_title not in page


def test_a_page_with_errors_says_so_in_its_title(client, item):
    client.force_login(item.lead_user)
    response = client.post(edit_url(item), form_data(item, action="submit", progress=""))
    assert "<title>Error: Q2 2014/15 update" in response.content.decode()


def test_a_coordinator_finds_the_reminders_page_from_my_items(client, item, make_member):
    client.force_login(make_member(item.partnership, Role.COORDINATOR))
    assert reverse("plans:reminders") in client.get(reverse("plans:my_items")).content.decode()
