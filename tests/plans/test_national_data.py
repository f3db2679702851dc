"""generate_national: realistic shapes, written in bulk with history, and reused on a second run."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from csp.models import Partnership, Role
from plans.models import ExpectedOutcome, Milestone, Objective, OutcomeStatus, Plan, QuarterlyUpdate, Review

pytestmark = pytest.mark.django_db

SMALL = ["--objectives", "10", "--quarters", "4"]


def test_each_partnership_gets_a_live_plan_of_the_asked_shape():
    call_command("generate_national", "--partnerships", "2", *SMALL)
    assert Partnership.objects.filter(slug__startswith="national-").count() == 2
    plan = Plan.objects.get(partnership__slug="national-0001")
    assert plan.status == Plan.Status.LIVE
    assert Objective.objects.filter(plan=plan).count() == 10
    assert ExpectedOutcome.objects.filter(objective__plan=plan).count() == 40
    assert Milestone.objects.filter(objective__plan=plan).count() == 30
    updates = QuarterlyUpdate.objects.filter(objective__plan=plan)
    assert 0 < updates.count() <= 40
    assert OutcomeStatus.objects.filter(update__in=updates).count() == 4 * updates.count()
    decided = updates.filter(state__in=[QuarterlyUpdate.State.APPROVED, QuarterlyUpdate.State.RETURNED])
    assert Review.objects.filter(update__in=updates).count() == decided.count()


def test_every_row_written_has_its_history_row():
    call_command("generate_national", "--partnerships", "1", *SMALL)
    assert QuarterlyUpdate.history.count() == QuarterlyUpdate.objects.count()
    assert OutcomeStatus.history.count() == OutcomeStatus.objects.count()
    assert Objective.history.count() == Objective.objects.count()


def test_the_partnership_has_lead_officers_a_chair_an_analyst_and_a_coordinator():
    call_command("generate_national", "--partnerships", "1", *SMALL)
    roles = Partnership.objects.get(slug="national-0001").memberships.values_list("roles__role", flat=True)
    assert sorted(set(roles)) == sorted([Role.LEAD_OFFICER, Role.GROUP_CHAIR, Role.ANALYST, Role.COORDINATOR])
    assert Objective.objects.filter(leads__person__user__username="national-0001-lead-00").exists()


def test_a_second_run_reuses_what_exists_and_adds_only_the_missing(capsys):
    call_command("generate_national", "--partnerships", "1", *SMALL)
    objectives = Objective.objects.count()
    call_command("generate_national", "--partnerships", "2", *SMALL)
    assert "1 partnerships written, 1 reused" in capsys.readouterr().out
    assert Objective.objects.count() == 2 * objectives
