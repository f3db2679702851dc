"""Two imports of the same file at once (a double click on "Create the plan"), on real threads: one plan."""

from __future__ import annotations

import time

import pytest

from csp.models import Role
from plans.models import Plan
from plans.services import importing
from tests.concurrency import run_together
from tests.factories import MembershipFactory, PartnershipFactory
from tests.plans.importing.test_service import full_draft

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# Long enough that the second import reaches the partnership's lock before the first commits.
WRITE_DELAY = 0.3


@pytest.fixture
def slow_write(monkeypatch):
    original = importing._write

    def slow(**kwargs):
        time.sleep(WRITE_DELAY)
        return original(**kwargs)

    monkeypatch.setattr(importing, "_write", slow)


def test_two_imports_of_the_same_file_at_once_make_one_plan(postgres, slow_write):
    partnership = PartnershipFactory()
    user = MembershipFactory(partnership=partnership, roles=(Role.COORDINATOR,)).user

    def one_import(title):
        return lambda: importing.plan_import(
            user=user, partnership=partnership, draft=full_draft(), title=title, source_sha256="f" * 64
        )

    results = run_together(one_import("First click"), one_import("Second click"))

    assert not [result for result in results if isinstance(result, Exception)]
    made = [result for result in results if result.plan is not None]
    refused = [result for result in results if result.duplicate_of is not None]
    assert len(made) == 1
    assert len(refused) == 1
    assert refused[0].duplicate_of == made[0].plan
    assert Plan.objects.filter(partnership=partnership).count() == 1
