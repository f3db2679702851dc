"""The coordinator's audit trail and archived-records pages: scoped, filterable, paged, query count pinned."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from csp.models import MembershipRole
from csp.services import record_archive
from plans.models import Objective
from tests.admin_world import one_of_everything_in_a_partnership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership():
    return one_of_everything_in_a_partnership()


@pytest.fixture
def coordinator(partnership):
    return MembershipFactory(partnership=partnership, roles=("coordinator",), first_name="Cora", last_name="Ord").user


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def _audit(client, partnership, **params):
    return client.get(reverse("coordinator:audit", args=[partnership.pk]), params)


def test_audit_shows_who_changed_what(coordinator_client, coordinator, partnership):
    objective = Objective.objects.get(plan__partnership=partnership)
    objective.title = "Reduce repeat victims of domestic abuse"
    objective._history_user = coordinator
    objective.save()

    response = _audit(coordinator_client, partnership)

    assert response.status_code == 200
    changed = [e for e in response.context["entries"] if e.model_label == "plans.objective" and e.action == "Changed"]
    assert changed[0].who == "Cora Ord"
    assert "title" in changed[0].changed


def test_audit_includes_role_grants(coordinator_client, partnership):
    response = _audit(coordinator_client, partnership, kind="csp.membershiprole")

    grants = response.context["entries"]
    assert grants
    assert {e.model_label for e in grants} == {"csp.membershiprole"}
    assert any(e.label == "coordinator" for e in grants)


def test_audit_never_shows_another_partnerships_changes(coordinator_client, partnership):
    other = one_of_everything_in_a_partnership()
    their_objective = Objective.objects.get(plan__partnership=other)

    entries = _audit(coordinator_client, partnership, kind="plans.objective").context["entries"]

    assert entries
    assert their_objective.pk not in {e.object_id for e in entries}


def test_another_partnerships_audit_page_is_a_404(coordinator_client):
    other = one_of_everything_in_a_partnership()

    assert _audit(coordinator_client, other).status_code == 404


@pytest.mark.parametrize("roles", [("lead_officer",), ("group_chair",), ("viewer",), ("analyst",)])
def test_only_coordinators_see_the_audit_page(client, partnership, roles):
    client.force_login(MembershipFactory(partnership=partnership, roles=roles).user)

    assert _audit(client, partnership).status_code == 404


def test_audit_filters_by_person(coordinator_client, coordinator, partnership):
    role = MembershipRole.objects.filter(membership__partnership=partnership).first()
    role._history_user = coordinator
    role.save()

    entries = _audit(coordinator_client, partnership, person=coordinator.pk).context["entries"]

    assert entries
    assert {e.who for e in entries} == {"Cora Ord"}


def test_audit_filters_by_date(coordinator_client, partnership):
    tomorrow = dt.date.today() + dt.timedelta(days=1)

    response = _audit(coordinator_client, partnership, date_from=tomorrow.isoformat())

    assert response.context["entries"] == []
    assert "No changes match these filters" in response.content.decode()


def test_a_bad_date_range_gets_a_message_next_to_the_field(coordinator_client, partnership):
    response = _audit(coordinator_client, partnership, date_from="2026-05-02", date_to="2026-05-01")

    assert response.status_code == 200
    assert "must be the same as or after" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()


def test_audit_pages_through_changes(coordinator_client, coordinator, partnership):
    objective = Objective.objects.get(plan__partnership=partnership)
    for n in range(60):
        objective.notes = f"Note {n}"
        objective.save()

    first = _audit(coordinator_client, partnership, kind="plans.objective")
    second = _audit(coordinator_client, partnership, kind="plans.objective", page=2)

    assert len(first.context["entries"]) == 50
    assert first.context["has_next"] is True
    assert second.context["entries"]
    assert {e.history_id for e in first.context["entries"]}.isdisjoint(
        {e.history_id for e in second.context["entries"]}
    )


def test_audit_query_count_is_pinned(coordinator_client, partnership, django_assert_max_num_queries):
    objective = Objective.objects.get(plan__partnership=partnership)
    for n in range(5):
        objective.notes = f"Note {n}"
        objective.save()

    # Session, user, roles, navigation, the form's people, one UNION, people on the page, one per changed model type.
    with django_assert_max_num_queries(14):
        response = _audit(coordinator_client, partnership)
    assert response.status_code == 200


def test_archived_records_can_be_restored_by_the_coordinator(coordinator_client, coordinator, partnership):
    objective = Objective.objects.get(plan__partnership=partnership)
    record_archive(user=coordinator, record=objective, reason="Duplicate of 1.2")
    page = coordinator_client.get(reverse("coordinator:archived", args=[partnership.pk]))
    assert "Duplicate of 1.2" in page.content.decode()

    response = coordinator_client.post(
        reverse("coordinator:restore", args=[partnership.pk, "plans.objective", objective.pk]), follow=True
    )

    assert "is restored" in response.content.decode()
    objective.refresh_from_db()
    assert objective.archived_at is None


def test_restoring_what_is_not_archived_says_so_and_changes_nothing(coordinator_client, partnership):
    objective = Objective.objects.get(plan__partnership=partnership)

    response = coordinator_client.post(
        reverse("coordinator:restore", args=[partnership.pk, "plans.objective", objective.pk]), follow=True
    )

    assert "is not archived" in response.content.decode()


def test_another_partnerships_record_cannot_be_restored(coordinator_client, partnership):
    other = one_of_everything_in_a_partnership()
    their_objective = Objective.objects.get(plan__partnership=other)
    their_coordinator = MembershipFactory(partnership=other, roles=("coordinator",)).user
    record_archive(user=their_coordinator, record=their_objective)

    for url in (
        reverse("coordinator:restore", args=[partnership.pk, "plans.objective", their_objective.pk]),
        reverse("coordinator:restore", args=[other.pk, "plans.objective", their_objective.pk]),
        reverse("coordinator:archived", args=[other.pk]),
    ):
        assert coordinator_client.post(url).status_code in (404, 405)
    their_objective.refresh_from_db()
    assert their_objective.archived_at is not None


def test_archived_page_query_count_is_pinned(
    coordinator_client, coordinator, partnership, django_assert_max_num_queries
):
    for objective in Objective.objects.filter(plan__partnership=partnership):
        record_archive(user=coordinator, record=objective)

    # Session, user, roles, navigation, then one query per archivable model (nine).
    with django_assert_max_num_queries(18):
        response = coordinator_client.get(reverse("coordinator:archived", args=[partnership.pk]))
    assert response.status_code == 200


def test_the_audit_link_opens_the_coordinators_partnership(coordinator_client, partnership):
    response = coordinator_client.get(reverse("coordinator:audit_home"))

    assert response.status_code == 302
    assert response.url == reverse("coordinator:audit", args=[partnership.pk])


def test_the_audit_link_is_a_404_for_someone_who_coordinates_nothing(client, partnership):
    client.force_login(MembershipFactory(partnership=partnership, roles=("viewer",)).user)

    assert client.get(reverse("coordinator:audit_home")).status_code == 404
