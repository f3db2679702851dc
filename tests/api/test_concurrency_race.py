"""Two writers holding the same ETag, on real threads and real PostgreSQL connections: exactly one wins.

Each write is slowed down after its If-Match check so both requests are inside the write at once;
without the row lock both would succeed and the first writer's change would be lost.
"""

from __future__ import annotations

import time

import pytest

from csp.api.serializers import AgencySerializer
from csp.concurrency import ConcurrentChange, instance_save_if_unchanged
from plans.models import QuarterlyUpdate
from plans.services import updates as update_services
from plans.services.updates import StaleUpdate, UpdateInput, update_save_draft
from tests.api.conftest import build_partnership_world, client_for
from tests.concurrency import run_together
from tests.factories import MembershipFactory, ObjectiveLeadFactory, PersonFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

TRIALS = range(5)
# Long enough that the second request reaches the row before the first commits.
WRITE_DELAY = 0.3


@pytest.fixture
def slow_agency_write(monkeypatch):
    original = AgencySerializer.update

    def slow_update(self, instance, validated_data):
        time.sleep(WRITE_DELAY)
        return original(self, instance, validated_data)

    monkeypatch.setattr(AgencySerializer, "update", slow_update)


@pytest.fixture
def slow_update_write(monkeypatch):
    original = update_services._write

    def slow_write(**kwargs):
        time.sleep(WRITE_DELAY)
        return original(**kwargs)

    monkeypatch.setattr(update_services, "_write", slow_write)


@pytest.mark.parametrize("trial", TRIALS)
def test_two_patches_with_the_same_etag_one_succeeds_one_gets_412(trial, postgres, slow_agency_write):
    world = build_partnership_world()
    user = MembershipFactory(partnership=world.partnership, roles=("coordinator",)).user
    url = f"/api/agencies/{world.agency.pk}/"
    etag = client_for(user).get(url)["ETag"]

    def patch(name):
        return lambda: client_for(user).patch(url, {"name": name}, format="json", HTTP_IF_MATCH=etag).status_code

    statuses = run_together(patch("First writer"), patch("Second writer"))

    assert sorted(statuses) == [200, 412]
    world.agency.refresh_from_db()
    assert world.agency.name == ("First writer" if statuses[0] == 200 else "Second writer")


@pytest.mark.parametrize("trial", TRIALS)
def test_two_update_patches_with_the_same_etag_one_succeeds(trial, postgres, slow_update_write):
    world = build_partnership_world()
    world.update.state = QuarterlyUpdate.State.DRAFT
    world.update.save()
    lead = PersonFactory(partnership=world.partnership)
    ObjectiveLeadFactory(objective=world.objective, person=lead)
    user = MembershipFactory(partnership=world.partnership, roles=("lead_officer",), person=lead).user
    url = f"/api/updates/{world.update.pk}/"
    etag = client_for(user).get(url)["ETag"]

    def patch(text):
        return lambda: client_for(user).patch(url, {"progress": text}, format="json", HTTP_IF_MATCH=etag).status_code

    statuses = run_together(patch("First writer"), patch("Second writer"))

    assert sorted(statuses) == [200, 412]
    world.update.refresh_from_db()
    assert world.update.progress == ("First writer" if statuses[0] == 200 else "Second writer")


@pytest.mark.parametrize("trial", TRIALS)
def test_two_update_page_saves_from_the_same_version_one_is_stale(trial, postgres, slow_update_write):
    world = build_partnership_world()
    world.update.state = QuarterlyUpdate.State.DRAFT
    world.update.save()
    user = MembershipFactory(partnership=world.partnership, roles=("coordinator",)).user
    version = world.update.version

    def save(text):
        return lambda: (
            update_save_draft(
                user=user,
                objective=world.objective,
                period=world.period,
                data=UpdateInput(progress=text),
                version=version,
            ).progress
        )

    results = run_together(save("First writer"), save("Second writer"))

    assert sorted(type(r).__name__ for r in results) == ["StaleUpdate", "str"]
    assert sum(isinstance(r, StaleUpdate) for r in results) == 1
    world.update.refresh_from_db()
    assert world.update.version == version + 1


@pytest.mark.parametrize("trial", TRIALS)
def test_two_admin_saves_from_the_same_updated_at_one_is_refused(trial, postgres):
    world = build_partnership_world()
    seen = world.agency.updated_at

    def save(name):
        def call():
            agency = type(world.agency).objects.get(pk=world.agency.pk)
            agency.name = name

            def slow_save():
                time.sleep(WRITE_DELAY)
                agency.save()

            instance_save_if_unchanged(instance=agency, seen=seen, save=slow_save)
            return name

        return call

    results = run_together(save("First writer"), save("Second writer"))

    assert sum(isinstance(r, ConcurrentChange) for r in results) == 1
    winner = next(r for r in results if isinstance(r, str))
    world.agency.refresh_from_db()
    assert world.agency.name == winner
