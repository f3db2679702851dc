"""The review dashboard: counts that equal the lists behind them, filters, sorting, pages, a fixed query count."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from csp.models import Agency, RagStatus, Role
from plans.models import Objective, Plan
from plans.rules import objective_overdue_q, overdue_reference_date
from plans.selectors.status import STATUS_ORDER, PeriodStatus
from tests.factories import (
    AgencyFactory,
    MembershipFactory,
    MilestoneFactory,
    ObjectiveFactory,
    ObjectiveLeadFactory,
    OutcomeStatusFactory,
    PersonFactory,
    PriorityFactory,
    QuarterlyUpdateFactory,
    SectionFactory,
)

from .review_setup import build_review_world

STATUSES = [RagStatus.RED, RagStatus.AMBER, RagStatus.GREEN, None]  # None: no update this quarter


@pytest.fixture(autouse=True)
def _built_each_time(settings):
    """These tests read the view's context, which a kept dashboard (a cache hit) does not have: the kept
    dashboard is checked in tests/csp/test_content_version.py."""
    settings.CSP_FRAGMENT_CACHE = False


@pytest.fixture
def world(db):
    return build_review_world()


def _add_items(world, count: int, *, period=None) -> list[Objective]:
    """Items spread over two sections, each status, leads, agencies and groups, some with overdue milestones."""
    period = period or world.q2
    second = world.plan.sections.filter(title="Anti-social behaviour").first() or SectionFactory(
        plan=world.plan, title="Anti-social behaviour", position=1
    )
    sections = [world.objective.section, second]
    agencies = [AgencyFactory(partnership=world.partnership) for _ in range(2)]
    people = [PersonFactory(partnership=world.partnership, agency=agency) for agency in agencies]
    items = []
    for index, status in zip(range(count), itertools.cycle(STATUSES), strict=False):
        objective = ObjectiveFactory(plan=world.plan, section=sections[index % 2])
        objective.lead_groups.add(world.odg if index % 3 else world.jag)
        objective.lead_agencies.add(agencies[index % 2])
        ObjectiveLeadFactory(objective=objective, person=people[index % 2], agency=agencies[index % 2])
        if status is not None:
            QuarterlyUpdateFactory(objective=objective, period=period, rag_status=status, state="submitted")
        if index % 4 == 1:
            MilestoneFactory(objective=objective, due_date=dt.date(2014, 8, 1))
        items.append(objective)
    return items


def _dashboard(client, **params):
    return client.get(reverse("plans:review_dashboard"), params)


def _count_links(html: str) -> list[tuple[int, str]]:
    """Every number in the counts table and the exceptions list, with the link behind it."""
    links = re.findall(
        r'<a class="govuk-link(?: app-stat__link)?" href="(\?[^"]+)"[^>]*>(?:<span class="app-stat__number">)?(\d+)',
        html,
    )
    return [(int(number), unescape(href)) for href, number in links]


def test_the_dashboard_defaults_to_the_first_live_plan_and_the_latest_quarter_with_updates_in(client, world):
    client.force_login(world.user("chair"))
    response = _dashboard(client)
    assert response.context["plan"] == world.plan
    # The plan's current quarter is Q2, but only Q1's updates are in: that is what the chair reviews.
    assert response.context["period"] == world.q1


def test_the_dashboard_shows_the_quarter_asked_for(client, world):
    client.force_login(world.user("chair"))
    response = _dashboard(client, period=world.q2.pk)
    assert response.context["period"] == world.q2


def test_every_number_equals_the_list_behind_it(client, world):
    _add_items(world, 23)
    client.force_login(world.user("chair"))
    links = _count_links(_dashboard(client).text)
    assert len(links) >= 10
    for number, href in links:
        listed = client.get(reverse("plans:review_dashboard") + href).context["page_obj"].paginator.count
        assert listed == number, href


def test_numbers_under_a_filter_equal_the_lists_behind_them(client, world):
    _add_items(world, 23)
    agency = Agency.objects.filter(partnership=world.partnership).first()
    client.force_login(world.user("chair"))
    links = _count_links(_dashboard(client, agency=agency.pk).text)
    assert links
    for number, href in links:
        assert f"agency={agency.pk}" in href
        listed = client.get(reverse("plans:review_dashboard") + href).context["page_obj"].paginator.count
        assert listed == number, href


def test_the_counts_add_up_to_the_items_of_the_plan(client, world):
    _add_items(world, 12)
    client.force_login(world.user("chair"))
    total = _dashboard(client).context["total"]
    assert total.total == Objective.objects.filter(plan=world.plan).count()
    # 12 items cycle red, amber, green, none; plus the fixture's item, which has no Q2 update
    assert total.counts == {
        PeriodStatus.RED: 3,
        PeriodStatus.AMBER: 3,
        PeriodStatus.GREEN: 3,
        PeriodStatus.NO_UPDATE: 4,
    }


def test_the_list_shows_exceptions_by_default_worst_first(client, world):
    _add_items(world, 8)
    client.force_login(world.user("chair"))
    items = list(_dashboard(client).context["page_obj"].object_list)
    statuses = [item.period_status for item in items]
    assert RagStatus.GREEN not in statuses or all(
        item.overdue_milestones for item in items if item.period_status == "green"
    )
    assert statuses == sorted(statuses, key=STATUS_ORDER.index)
    assert statuses[0] == RagStatus.RED


def test_filter_to_red(client, world):
    _add_items(world, 8)
    client.force_login(world.user("chair"))
    items = _dashboard(client, status="red").context["page_obj"].object_list
    assert items
    assert {item.period_status for item in items} == {RagStatus.RED}


def test_filter_by_lead_group(client, world):
    _add_items(world, 9)
    client.force_login(world.user("chair"))
    items = _dashboard(client, status="all", group=world.jag.pk).context["page_obj"].object_list
    assert items
    assert all(world.jag in item.lead_groups.all() for item in items)


def test_filter_by_lead_group_includes_a_lead_row_naming_the_group(client, world):
    from plans.models import ObjectiveLead

    _add_items(world, 3)
    named = ObjectiveFactory(plan=world.plan, section=world.objective.section, ref="JAG-row")
    ObjectiveLead.objects.create(objective=named, group=world.jag)
    client.force_login(world.user("chair"))
    items = _dashboard(client, status="all", group=world.jag.pk).context["page_obj"].object_list
    assert named in items
    assert all(world.jag in item.lead_groups.all() or item == named for item in items)


def test_filter_by_lead_officer(client, world):
    items = _add_items(world, 6)
    person = items[0].leads.get().person
    client.force_login(world.user("chair"))
    listed = _dashboard(client, status="all", lead_officer=person.pk).context["page_obj"].object_list
    assert {item.pk for item in listed} == {o.pk for o in items if o.leads.filter(person=person).exists()}


def test_filter_by_priority(client, world):
    _add_items(world, 4)
    priority = PriorityFactory(partnership=world.partnership, title="Domestic abuse")
    world.objective.priorities.add(priority)
    client.force_login(world.user("chair"))
    listed = _dashboard(client, status="all", priority=priority.pk).context["page_obj"].object_list
    assert [item.pk for item in listed] == [world.objective.pk]


def test_filter_to_overdue_milestones(client, world):
    items = _add_items(world, 8)
    client.force_login(world.user("chair"))
    listed = _dashboard(client, status="all", overdue="yes").context["page_obj"].object_list
    assert {item.pk for item in listed} == {o.pk for i, o in enumerate(items) if i % 4 == 1}


def test_a_completed_milestone_is_not_overdue(client, world):
    MilestoneFactory(objective=world.objective, due_date=dt.date(2014, 8, 1), completed_on=dt.date(2014, 7, 1))
    client.force_login(world.user("chair"))
    assert _dashboard(client).context["overdue_items"] == 0


def test_choosing_another_quarter_shows_its_statuses(client, world):
    client.force_login(world.user("chair"))
    response = _dashboard(client, period=world.q1.pk, status="red")
    assert [item.pk for item in response.context["page_obj"].object_list] == [world.objective.pk]


def test_struck_objectives_are_not_counted_but_said(client, world):
    _add_items(world, 3)
    world.objective.state = Objective.State.STRUCK
    world.objective.struck_on = dt.date(2014, 8, 1)
    world.objective.struck_reason = "Done elsewhere."
    world.objective.save()
    client.force_login(world.user("chair"))
    response = _dashboard(client)
    assert response.context["total"].total == 3
    assert "not counting 1 struck" in response.text


def test_sort_by_plan_order(client, world):
    _add_items(world, 8)
    client.force_login(world.user("chair"))
    items = list(_dashboard(client, status="all", sort="plan_order").context["page_obj"].object_list)
    keys = [(item.section.position, item.position, item.pk) for item in items]
    assert keys == sorted(keys)


def test_the_list_is_paginated_with_the_govuk_component(client, world):
    _add_items(world, 60)
    client.force_login(world.user("chair"))
    first = _dashboard(client, status="all")
    second = _dashboard(client, status="all", page=2)
    assert "govuk-pagination" in first.text
    assert len(first.context["page_obj"].object_list) == 25
    first_ids = {item.pk for item in first.context["page_obj"].object_list}
    assert first_ids.isdisjoint(item.pk for item in second.context["page_obj"].object_list)


def test_the_dashboard_runs_the_same_queries_for_10_and_100_items(client, world):
    client.force_login(world.user("chair"))
    _add_items(world, 10)
    _dashboard(client)  # warm the session
    with CaptureQueriesContext(connection) as small:
        _dashboard(client, status="all")
    _add_items(world, 90)
    with CaptureQueriesContext(connection) as large:
        _dashboard(client, status="all")
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]


def test_the_dashboard_stays_under_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    _add_items(world, 100)
    client.force_login(world.user("chair"))
    # 28: the rows also read each counted update and its outcome notes (the reasons beside red and amber),
    # and the indicators each row is measured by (own and outcomes'; 4 more when any has an indicator).
    # (29 until the overdue figure was counted in the status-counts query.)
    with django_assert_max_num_queries(28):
        assert _dashboard(client, status="all").status_code == 200


@pytest.mark.parametrize(
    ("role", "reviews"),
    [
        ("coordinator", True),
        ("chair", True),
        ("other_chair", True),
        ("lead", False),
        ("analyst", False),
        ("viewer", False),
        ("outsider", False),
    ],
)
def test_only_coordinators_and_chairs_get_a_plan_to_review(client, world, role, reviews):
    client.force_login(world.user(role))
    response = _dashboard(client)
    assert response.status_code == 200
    assert (response.context.get("plan") == world.plan) is reviews
    assert (world.objective.title[:40] in response.text) is reviews


def test_another_partnerships_plan_is_not_found(client, world):
    client.force_login(world.user("chair"))
    other = MembershipFactory(roles=(Role.COORDINATOR,))
    other_plan = Plan.objects.create(
        partnership=other.partnership,
        title="Theirs",
        kind=Plan.Kind.ANNUAL,
        status=Plan.Status.LIVE,
        period_start=dt.date(2014, 4, 1),
        period_end=dt.date(2015, 3, 31),
    )
    assert _dashboard(client, plan=other_plan.pk).status_code == 404


def test_a_bad_filter_value_is_not_a_500(client, world):
    client.force_login(world.user("chair"))
    assert _dashboard(client, status="purple", sort="nonsense", page="x", period="abc").status_code == 200


def test_the_chart_has_the_same_numbers_as_the_table(client, world):
    _add_items(world, 11)
    client.force_login(world.user("chair"))
    response = _dashboard(client)
    chart_counts = [sum(s.count for s in bar.segments) for bar in response.context["chart"]["bars"]]
    assert chart_counts == [row.total for row in response.context["sections"]]
    assert "<svg" in response.text


def test_no_update_and_update_gives_no_status_are_counted_and_worded_apart(client, world):
    none_given = ObjectiveFactory(plan=world.plan, section=world.objective.section, ref="NS")
    QuarterlyUpdateFactory(objective=none_given, period=world.q2, rag_status=RagStatus.NOT_UPDATED, state="submitted")
    drafted = ObjectiveFactory(plan=world.plan, section=world.objective.section, ref="DR")
    QuarterlyUpdateFactory(objective=drafted, period=world.q2, rag_status=RagStatus.RED, state="draft")
    client.force_login(world.user("chair"))
    response = _dashboard(client, period=world.q2.pk, status="all")
    counts = response.context["total"].counts
    statuses = {item.ref: item.period_status for item in response.context["page_obj"].object_list}
    assert statuses["NS"] == PeriodStatus.NO_STATUS
    assert statuses["DR"] == PeriodStatus.NO_UPDATE  # a draft never gives the status
    assert counts[PeriodStatus.NO_STATUS] == 1
    assert PeriodStatus.RED not in counts
    assert "Update gives no status" in response.text
    assert "No update" in response.text


def test_a_red_item_shows_its_reason_and_outcome_notes(client, world):
    objective = ObjectiveFactory(plan=world.plan, section=world.objective.section, ref="RD")
    update = QuarterlyUpdateFactory(
        objective=objective, period=world.q2, rag_status=RagStatus.RED, state="submitted", rag_note="Venue lost."
    )
    OutcomeStatusFactory(update=update, outcome__number=1, rag_status=RagStatus.RED, note="No events held.")
    client.force_login(world.user("chair"))
    page = unescape(_dashboard(client, period=world.q2.pk, status="red").text)
    assert "Reason:</strong> Venue lost." in page
    assert "Outcome 1 (Red): No events held." in page


def test_the_plan_page_shows_the_reason_beside_red_and_amber_only(client, world):
    # The same `status_reason` markup as the dashboard's rows; none beside green, nor for a draft (not counted).
    red = ObjectiveFactory(plan=world.plan, section=world.objective.section, ref="RD")
    update = QuarterlyUpdateFactory(
        objective=red, period=world.q2, rag_status=RagStatus.RED, state="submitted", rag_note="Venue lost."
    )
    OutcomeStatusFactory(update=update, outcome__number=1, rag_status=RagStatus.RED, note="No events held.")
    for ref, rag, state, note in [
        ("AM", RagStatus.AMBER, "approved", "Late start."),
        ("GR", RagStatus.GREEN, "approved", "Green note."),
        ("DR", RagStatus.RED, "draft", "Draft note."),
    ]:
        objective = ObjectiveFactory(plan=world.plan, section=world.objective.section, ref=ref)
        QuarterlyUpdateFactory(objective=objective, period=world.q2, rag_status=rag, state=state, rag_note=note)
    client.force_login(world.user("chair"))

    url = reverse("plans:plan_detail", args=[world.plan.pk])
    page = unescape(client.get(url, {"period": world.q2.pk}).content.decode())

    assert "Reason:</strong> Venue lost." in page
    assert "Outcome 1 (Red): No events held." in page
    assert "Reason:</strong> Late start." in page
    assert "Green note." not in page
    assert "Draft note." not in page


def test_the_overdue_filter_is_the_one_overdue_rule(client, world):
    items = _add_items(world, 8)
    late_by_own_date = items[0]
    late_by_own_date.due_date = dt.date(2014, 7, 1)
    late_by_own_date.save()
    client.force_login(world.user("chair"))
    response = _dashboard(client, period=world.q2.pk, status="all", overdue="yes")
    listed = {item.pk for item in response.context["page_obj"].object_list}
    expected = set(
        Objective.objects.filter(plan=world.plan)
        .exclude(state=Objective.State.STRUCK)
        .filter(objective_overdue_q(overdue_reference_date(world.q2)))
        .values_list("pk", flat=True)
    )
    assert listed == expected
    assert late_by_own_date.pk in listed
    assert response.context["overdue_items"] == len(expected)
