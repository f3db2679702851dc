"""Two confirms of one import at once (a double click reaching two web processes), on real threads and real
PostgreSQL connections: one plan is made, and both requests end on it."""

from __future__ import annotations

import time

import pytest

from csp.models import Role
from plans.models import Plan, PlanImport
from plans.services import importing as plan_writes
from plans.services.plan_imports import plan_import_confirm, plan_import_upload
from tests.concurrency import run_together
from tests.factories import MembershipFactory, PartnershipFactory
from tests.plans.test_import_views import objective_rows, upload, xlsx_bytes

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# Long enough that the second confirm reaches the import's row before the first commits.
WRITE_DELAY = 0.3


@pytest.fixture
def slow_plan_write(monkeypatch):
    original = plan_writes.plan_import

    def slow(**kwargs):
        time.sleep(WRITE_DELAY)
        return original(**kwargs)

    monkeypatch.setattr(plan_writes, "plan_import", slow)


@pytest.mark.parametrize("trial", range(3))
def test_two_confirms_at_once_make_one_plan(trial, postgres, slow_plan_write, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    partnership = PartnershipFactory()
    coordinator = MembershipFactory(partnership=partnership, roles=(Role.COORDINATOR,)).user
    plan_import = plan_import_upload(
        user=coordinator, partnership=partnership, upload=upload(xlsx_bytes(objective_rows(4)), "plan.xlsx")
    )

    def confirm():
        return plan_import_confirm(user=coordinator, plan_import=PlanImport.objects.get(pk=plan_import.pk))

    first, second = run_together(confirm, confirm)

    assert not isinstance(first, Exception), first
    assert not isinstance(second, Exception), second
    plan = Plan.objects.get(partnership=partnership)
    assert first.plan == second.plan == plan
    assert sorted([first.already_imported, second.already_imported]) == [False, True]
    assert first.objectives == second.objectives == 4
    assert plan.objectives.count() == 4
