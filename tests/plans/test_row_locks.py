"""A write locks the rows it writes, not its objective's, plan's, quarter's or partnership's.

FOR UPDATE without OF locks every row of every joined table. The update services once locked their
partnership's row that way (through the update model's ordering), so two lead officers of one partnership
submitting at once could deadlock, and every write of a partnership waited for the one before it. Checked
here from a second PostgreSQL connection while the service's lock is held.
"""

from __future__ import annotations

import psycopg2
import pytest
from django.db import connection, transaction

from plans.services.reviews import _lock_update
from plans.services.updates import _locked_update
from tests.factories import QuarterlyUpdateFactory
from tests.plans.test_updates_services import domestic_abuse_item

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _locked_elsewhere(table: str, pk: int) -> bool:
    """Whether another connection finds the row locked (FOR UPDATE NOWAIT)."""
    settings = connection.settings_dict
    other = psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
    )
    try:
        with other.cursor() as cursor:
            cursor.execute(f'SELECT id FROM "{table}" WHERE id = %s FOR UPDATE NOWAIT', [pk])  # noqa: S608
        return False
    except psycopg2.errors.LockNotAvailable:
        return True
    finally:
        other.rollback()
        other.close()


def _shared_rows(item) -> list[tuple[str, int]]:
    plan = item.objective.plan
    return [
        ("plans_objective", item.objective.pk),
        ("plans_plan", plan.pk),
        ("csp_partnership", plan.partnership_id),
        ("csp_reportingperiod", item.q2.pk),
    ]


@pytest.fixture
def item(postgres):
    item = domestic_abuse_item()
    item.update = QuarterlyUpdateFactory(objective=item.objective, period=item.q2, state="draft")
    return item


def test_saving_or_submitting_an_update_locks_only_the_update(item):
    with transaction.atomic():
        _locked_update(objective=item.objective, period=item.q2, version=item.update.version)
        assert _locked_elsewhere("plans_quarterlyupdate", item.update.pk)
        assert [row for row in _shared_rows(item) if _locked_elsewhere(*row)] == []


def test_reviewing_an_update_locks_only_the_update(item):
    with transaction.atomic():
        _lock_update(item.update)
        assert _locked_elsewhere("plans_quarterlyupdate", item.update.pk)
        assert [row for row in _shared_rows(item) if _locked_elsewhere(*row)] == []
