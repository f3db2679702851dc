"""A script-like test: a whole plan of a new partnership entered through the API only, read back unchanged."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from scripts.api_enter_plan import PlanEntry, compare
from tests.api.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def sender(client: APIClient):
    def send(method: str, path: str, body: dict | None = None):
        response = client.generic(method, path, json.dumps(body) if body is not None else "", "application/json")
        return response.status_code, (response.json() if response.content else None)

    return send


@pytest.fixture
def admin_entry():
    return PlanEntry(sender(client_for(UserFactory(is_superuser=True, is_staff=True))))


def test_a_whole_plan_entered_through_the_api_reads_back_unchanged(admin_entry):
    admin_entry.enter_sample_plan(run="t1")

    assert admin_entry.differences() == []
    assert len(admin_entry.sent) >= 20


def test_the_plan_reads_back_with_objectives_leads_milestones_and_costs(admin_entry):
    created = admin_entry.enter_sample_plan(run="t2")

    objectives = admin_entry.call("GET", f"/api/objectives/?plan={created['plan']}&ordering=position")["results"]

    first = objectives[0]
    assert (first["ref"], first["cost_amount"], first["funding_source"]) == ("1.1", "2500.00", "PCC grant")
    assert [(lead["person_name"], lead["job_title"], lead["kind"]) for lead in first["leads"]] == [
        ("Sarah Example", "Community Safety Manager", "lead"),
        ("Simon Sample", "Insp", "in_conjunction"),
        (None, "Chief Inspector Stevenage", "lead"),
    ]
    assert [(m["due_date"], m["due_text"]) for m in first["milestones"]] == [
        ("2014-09-30", "September 2014"),
        ("2014-11-25", "Quarter 3"),
    ]
    assert objectives[1]["cost_text"] == "TBC"


def test_a_coordinator_enters_the_plan_into_their_empty_partnership(make_member):
    from tests.factories import PartnershipFactory

    partnership = PartnershipFactory(slug="empty-csp")
    entry = PlanEntry(sender(client_for(make_member(partnership, "coordinator"))))

    created = entry.enter_sample_plan(run="t3", existing_slug="empty-csp")

    assert created["partnership"] == partnership.pk
    assert entry.differences() == []


def test_compare_reports_a_changed_nested_value():
    sent = {"title": "A", "outcomes": [{"number": 1, "text": "x"}]}
    stored = {"id": 3, "title": "A", "outcomes": [{"id": 9, "number": 1, "text": "y"}]}

    assert compare(sent, stored) == ["outcomes.0.text: sent 'x', read 'y'"]
