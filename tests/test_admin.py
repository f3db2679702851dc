"""Every model's admin answers: list, add, change and history pages, with search and filters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.admin_world import one_of_everything_in_a_partnership
from tests.factories import MembershipFactory


@pytest.fixture
def one_of_everything(db):
    """At least one row of every registered model, all in one partnership."""
    return one_of_everything_in_a_partnership()


@pytest.fixture
def admin_client_logged_in(client, db):
    superuser = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-admin-123")
    client.force_login(superuser)
    return client


def _superuser_request():
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    return request


OUR_APPS = {"csp", "priorities", "plans", "reporting"}
REGISTERED = sorted(
    ((model, model_admin) for model, model_admin in admin.site._registry.items() if model._meta.app_label in OUR_APPS),
    key=lambda item: item[0]._meta.label,
)


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=[m._meta.label for m, _ in REGISTERED])
def test_admin_pages_answer_for_every_model(model, model_admin, one_of_everything, admin_client_logged_in):
    opts = model._meta
    base = f"admin:{opts.app_label}_{opts.model_name}"
    assert admin_client_logged_in.get(reverse(f"{base}_changelist")).status_code == 200
    assert admin_client_logged_in.get(reverse(f"{base}_changelist"), {"q": "a"}).status_code == 200
    # Rows only a service writes (reviews, comments, reminders, report jobs...) cannot be added here.
    expected_add = 200 if model_admin.has_add_permission(_superuser_request()) else 403
    assert admin_client_logged_in.get(reverse(f"{base}_add")).status_code == expected_add
    obj = model.objects.first()
    assert obj is not None, f"no {opts.label} row to open"
    assert admin_client_logged_in.get(reverse(f"{base}_change", args=[obj.pk])).status_code == 200
    assert admin_client_logged_in.get(reverse(f"{base}_history", args=[obj.pk])).status_code == 200


def test_objective_admin_has_inlines_for_actions_outcomes_milestones(one_of_everything, admin_client_logged_in):
    from plans.models import Objective

    objective = Objective.objects.first()
    response = admin_client_logged_in.get(reverse("admin:plans_objective_change", args=[objective.pk]))
    content = response.content.decode()
    for prefix in ("actions-TOTAL_FORMS", "outcomes-TOTAL_FORMS", "milestones-TOTAL_FORMS", "leads-TOTAL_FORMS"):
        assert prefix in content


def test_admin_change_is_kept_in_history(one_of_everything, admin_client_logged_in):
    from plans.models import Objective

    objective = Objective.objects.first()
    objective.due_text = "Ongoing"
    objective.due_date = None
    objective.save()
    assert objective.history.count() >= 2
    latest, previous = objective.history.all()[:2]
    changed = {change.field for change in latest.diff_against(previous).changes}
    assert {"due_text", "due_date"} <= changed
    assert latest.history_date.date() <= dt.date.today()


@pytest.fixture
def coordinator_client(client, one_of_everything):
    from csp.services import coordinator_admin_access_grant

    user = MembershipFactory(partnership=one_of_everything, roles=("coordinator",)).user
    coordinator_admin_access_grant(user=user)
    client.force_login(user)
    return client


def test_coordinator_admin_lists_only_their_partnership(coordinator_client, one_of_everything):
    from plans.models import Objective
    from tests.factories import ObjectiveFactory

    theirs = Objective.objects.get(plan__partnership=one_of_everything)
    other = ObjectiveFactory(title="Another partnership's objective")
    response = coordinator_client.get(reverse("admin:plans_objective_changelist"))
    assert response.status_code == 200
    assert theirs.title in response.content.decode()
    assert other.title not in response.content.decode()
    response = coordinator_client.get(reverse("admin:plans_objective_change", args=[other.pk]))
    assert response.status_code == 404  # "not yours" is "not there", as on every page
    assert (
        theirs.pk
        == coordinator_client.get(reverse("admin:plans_objective_change", args=[theirs.pk])).context["original"].pk
    )


def test_coordinator_admin_offers_only_their_partnership_in_choices(coordinator_client, one_of_everything):
    from tests.factories import PlanFactory

    other_plan = PlanFactory(title="Someone else's plan")
    response = coordinator_client.get(reverse("admin:plans_objective_add"))
    choices = list(response.context["adminform"].form.fields["plan"].queryset)
    assert other_plan not in choices
    assert choices
    assert all(plan.partnership_id == one_of_everything.pk for plan in choices)


def test_coordinator_cannot_add_partnerships(coordinator_client):
    assert coordinator_client.get(reverse("admin:csp_partnership_add")).status_code == 403
