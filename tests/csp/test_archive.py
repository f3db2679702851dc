"""Archive and restore services, the database protecting updates and reviews, history on every model."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError

from csp.admin_scoping import PARTNERSHIP_LOOKUPS
from csp.services import record_archive, record_restore
from plans.models import Review
from plans.selectors import objectives_visible_to, updates_visible_to
from tests.factories import MembershipFactory, OutcomeStatusFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def status():
    return OutcomeStatusFactory()


@pytest.fixture
def coordinator(status):
    return MembershipFactory(partnership=status.update.objective.plan.partnership, roles=("coordinator",)).user


def test_archive_then_restore_brings_the_row_back_into_lists(status, coordinator):
    objective = status.update.objective

    record_archive(user=coordinator, record=objective, reason="Merged into 1.2")
    assert objective not in objectives_visible_to(coordinator)
    assert status.update not in updates_visible_to(coordinator)
    assert objective in objectives_visible_to(coordinator, include_archived=True)

    record_restore(user=coordinator, record=objective)
    objective.refresh_from_db()
    assert objective.archived_at is None
    assert objective.archive_reason == ""
    assert objective in objectives_visible_to(coordinator)


def test_archive_and_restore_are_kept_in_history(status, coordinator):
    objective = status.update.objective
    record_archive(user=coordinator, record=objective, reason="Merged into 1.2")
    record_restore(user=coordinator, record=objective)

    reasons = list(objective.history.order_by("-history_id").values_list("history_change_reason", flat=True)[:2])

    assert reasons == ["Restored", "Archived: Merged into 1.2"]


def test_archiving_a_plan_takes_its_objectives_and_updates_out_of_lists(status, coordinator):
    record_archive(user=coordinator, record=status.update.objective.plan)

    assert not objectives_visible_to(coordinator).exists()
    assert not updates_visible_to(coordinator).exists()


@pytest.mark.parametrize("roles", [("lead_officer",), ("group_chair",), ("viewer",)])
def test_only_a_coordinator_archives(status, roles):
    user = MembershipFactory(partnership=status.update.objective.plan.partnership, roles=roles).user

    with pytest.raises(PermissionDenied):
        record_archive(user=user, record=status.update.objective)


def test_another_partnerships_coordinator_cannot_archive_or_restore(status, coordinator):
    other = MembershipFactory(roles=("coordinator",)).user
    objective = status.update.objective

    with pytest.raises(PermissionDenied):
        record_archive(user=other, record=objective)
    record_archive(user=coordinator, record=objective)
    with pytest.raises(PermissionDenied):
        record_restore(user=other, record=objective)


def test_restoring_what_is_not_archived_is_refused(status, coordinator):
    with pytest.raises(ValidationError):
        record_restore(user=coordinator, record=status.update.objective)


def test_an_objective_with_updates_cannot_be_deleted(status):
    with pytest.raises(ProtectedError):
        status.update.objective.delete()


def test_an_update_with_reviews_cannot_be_deleted(status):
    Review.objects.create(update=status.update, decision=Review.Decision.APPROVED, reviewer=UserFactory())

    with pytest.raises(ProtectedError):
        status.update.delete()


def test_an_outcome_with_statuses_cannot_be_deleted(status):
    with pytest.raises(ProtectedError):
        status.outcome.delete()


CHANGEABLE = sorted(PARTNERSHIP_LOOKUPS)


@pytest.mark.parametrize("label", CHANGEABLE)
def test_every_model_a_user_can_change_keeps_history(label):
    model = apps.get_model(label)

    assert hasattr(model._meta, "simple_history_manager_attribute"), f"{label} keeps no history"


def test_an_archived_update_gives_no_status(status, coordinator):
    from plans.models import QuarterlyUpdate
    from plans.selectors.status import PeriodStatus, period_status

    update = status.update
    QuarterlyUpdate.objects.filter(pk=update.pk).update(state=QuarterlyUpdate.State.SUBMITTED, rag_status="red")
    update.refresh_from_db()
    assert period_status(update) == PeriodStatus.RED

    record_archive(user=coordinator, record=update)
    update.refresh_from_db()

    assert period_status(update) == PeriodStatus.NO_UPDATE


def test_an_archived_objective_leaves_the_board_report_counts(status, coordinator):
    from reporting.selectors import status_counts_by_priority

    objective = status.update.objective

    def total() -> int:
        return sum(row.total for row in status_counts_by_priority(objective.plan, status.update.period))

    before = total()
    record_archive(user=coordinator, record=objective)

    assert total() == before - 1


def test_an_archived_objectives_page_still_opens(client, status, coordinator):
    objective = status.update.objective
    record_archive(user=coordinator, record=objective)
    client.force_login(coordinator)

    assert client.get(f"/plans/objectives/{objective.pk}/").status_code == 200


def test_an_archived_update_cannot_be_written(status, coordinator):
    from plans.services.updates import UpdateInput, UpdateLocked, update_save_draft

    update = status.update
    record_archive(user=coordinator, record=update)

    with pytest.raises(UpdateLocked, match="archived"):
        update_save_draft(
            user=coordinator,
            objective=update.objective,
            period=update.period,
            data=UpdateInput(progress="Written after archiving"),
            version=update.version,
        )
