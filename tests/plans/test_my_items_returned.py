"""My items: updates a reviewer returned come first, whatever their quarter, with the reviewer's comment."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from csp.models import Role
from plans.models import QuarterlyUpdate
from plans.services.reviews import update_return
from tests.factories import MembershipFactory, ObjectiveFactory, ObjectiveLeadFactory, QuarterlyUpdateFactory
from tests.plans.test_updates_services import domestic_abuse_item


@pytest.fixture
def item(db):
    return domestic_abuse_item()


def _chair(item):
    return MembershipFactory(partnership=item.partnership, roles=(Role.COORDINATOR,), username="chair-of-odg").user


def _returned(item, objective, period, comment):
    update = QuarterlyUpdateFactory(
        objective=objective,
        period=period,
        state=QuarterlyUpdate.State.SUBMITTED,
        progress="Posters ordered.",
        submitted_by=item.lead_user,
        submitted_at=timezone.now(),
    )
    return update_return(reviewer=item.chair, update=update, comment=comment)


def test_a_returned_update_of_last_quarter_comes_first_with_the_reviewers_comment(client, item):
    item.chair = _chair(item)
    item.chair.first_name, item.chair.last_name = "Sam", "Chair"
    item.chair.save()
    _returned(item, item.objective, item.q1, "Say which venues were booked.")
    client.force_login(item.lead_user)
    page = client.get(reverse("plans:my_items")).content.decode()
    returned_at = page.index("Returned to you for changes")
    assert returned_at < page.index("Objectives I lead")
    section = page[returned_at : page.index("Objectives I lead")]
    assert "Say which venues were booked." in section
    assert "Returned by Sam Chair" in section
    assert reverse("plans:update_edit", args=[item.objective.pk, item.q1.pk]) in section


def test_no_returned_section_when_nothing_was_returned(client, item):
    client.force_login(item.lead_user)
    assert "Returned to you for changes" not in client.get(reverse("plans:my_items")).content.decode()


def test_another_leads_returned_update_is_not_in_my_items(client, item):
    item.chair = _chair(item)
    other = ObjectiveFactory(plan=item.objective.plan, ref="9.9")
    ObjectiveLeadFactory(objective=other)
    _returned(item, other, item.q1, "Not yours to see here.")
    client.force_login(item.lead_user)
    assert "Not yours to see here." not in client.get(reverse("plans:my_items")).content.decode()


def test_newest_returned_update_comes_first(client, item):
    item.chair = _chair(item)
    _returned(item, item.objective, item.q1, "First comment.")
    _returned(item, item.objective, item.q2, "Second comment.")
    client.force_login(item.lead_user)
    page = client.get(reverse("plans:my_items")).content.decode()
    assert page.index("Second comment.") < page.index("First comment.")


def test_my_items_queries_do_not_grow_with_returned_updates(client, item, django_assert_max_num_queries):
    item.chair = _chair(item)
    _returned(item, item.objective, item.q1, "One.")
    client.force_login(item.lead_user)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("plans:my_items"))
    for n in range(5):
        objective = ObjectiveFactory(plan=item.objective.plan, section=item.objective.section, ref=f"2.{n + 5}")
        ObjectiveLeadFactory(objective=objective, person=item.lead)
        _returned(item, objective, item.q1, f"Comment {n}.")
    with django_assert_max_num_queries(len(one)):
        page = client.get(reverse("plans:my_items")).content.decode()
    assert page.count("data-returned-update=") == 6
