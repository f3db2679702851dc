"""The admin's own rules: revert only for operators, workflow fields read-only, saves through the services."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from csp.models import Person
from csp.services import coordinator_admin_access_grant
from plans.models import Objective, Plan, QuarterlyUpdate
from reporting.models import ReportJob
from tests.admin_world import one_of_everything_in_a_partnership
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(db):
    return one_of_everything_in_a_partnership()


@pytest.fixture
def coordinator(partnership):
    user = MembershipFactory(partnership=partnership, roles=("coordinator",)).user
    coordinator_admin_access_grant(user=user)
    return user


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def superuser_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("operator", "op@example.org", "pw-operator-123"))
    return client


@pytest.mark.parametrize("url", ["/admin/plans/objective/abc/history/", "/admin/plans/objective/abc/history/1/"])
def test_a_malformed_id_in_a_history_url_is_a_404(url, superuser_client, partnership):
    assert superuser_client.get(url).status_code == 404


def test_a_malformed_history_id_is_a_404(coordinator_client, partnership):
    objective = Objective.objects.get(plan__partnership=partnership)
    assert coordinator_client.get(f"/admin/plans/objective/{objective.pk}/history/x/").status_code == 404


def _objective_renamed(partnership) -> tuple[Objective, int]:
    objective = Objective.objects.get(plan__partnership=partnership)
    first = objective.history.order_by("history_id").first().history_id
    objective.title = "Renamed since"
    objective.save()
    return objective, first


def test_coordinator_reads_their_history_but_cannot_revert(coordinator_client, partnership):
    objective, first = _objective_renamed(partnership)
    url = reverse("admin:plans_objective_simple_history", args=[objective.pk, first])
    page = coordinator_client.get(url)
    assert page.status_code == 200
    assert page.context["revert_disabled"] is True

    response = coordinator_client.post(url, {"title": "Reverted", "plan": objective.plan_id})

    assert response.status_code == 403
    objective.refresh_from_db()
    assert objective.title == "Renamed since"


def test_operator_may_revert(superuser_client, partnership):
    objective, first = _objective_renamed(partnership)
    url = reverse("admin:plans_objective_simple_history", args=[objective.pk, first])
    assert superuser_client.get(url).context["revert_disabled"] is False


def test_coordinator_cannot_delete_in_the_admin(coordinator_client, partnership):
    objective = Objective.objects.get(plan__partnership=partnership)
    url = reverse("admin:plans_objective_delete", args=[objective.pk])

    assert coordinator_client.post(url, {"post": "yes"}).status_code == 403
    assert Objective.objects.filter(pk=objective.pk).exists()
    changelist = coordinator_client.get(reverse("admin:plans_objective_changelist"))
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.content.decode()


def _update_form(update: QuarterlyUpdate, **changes) -> dict:
    data = {
        "progress": update.progress,
        "rag_status": update.rag_status,
        "rag_note": update.rag_note,
        "spend_to_date": "",
        "expected_version": update.version,
        "outcome_statuses-TOTAL_FORMS": "0",
        "outcome_statuses-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_update_workflow_fields_cannot_be_set_in_the_admin(coordinator_client, partnership):
    update = QuarterlyUpdate.objects.get(objective__plan__partnership=partnership)
    stranger = UserFactory()
    url = reverse("admin:plans_quarterlyupdate_change", args=[update.pk])

    coordinator_client.post(
        url,
        _update_form(update, state="approved", reviewed_by=stranger.pk, author=stranger.pk, version=99),
    )

    update.refresh_from_db()
    assert update.state == QuarterlyUpdate.State.DRAFT
    assert update.reviewed_by_id is None
    assert update.author_id != stranger.pk
    assert update.version != 99


def test_an_admin_save_goes_through_the_service_and_bumps_the_version(coordinator_client, coordinator, partnership):
    update = QuarterlyUpdate.objects.get(objective__plan__partnership=partnership)
    version = update.version
    url = reverse("admin:plans_quarterlyupdate_change", args=[update.pk])

    response = coordinator_client.post(url, _update_form(update, progress="Corrected by the coordinator"))

    assert response.status_code == 302
    update.refresh_from_db()
    assert update.progress == "Corrected by the coordinator"
    assert update.version == version + 1
    assert update.author == coordinator
    assert update.history.first().history_user == coordinator


def test_an_admin_save_with_a_stale_version_is_refused(coordinator_client, partnership):
    update = QuarterlyUpdate.objects.get(objective__plan__partnership=partnership)
    url = reverse("admin:plans_quarterlyupdate_change", args=[update.pk])

    response = coordinator_client.post(
        url, _update_form(update, progress="Overwrites", expected_version=update.version - 1)
    )

    assert response.status_code == 200
    assert "Someone saved this update after you opened it" in response.content.decode()
    update.refresh_from_db()
    assert update.progress != "Overwrites"


def test_a_submitted_update_cannot_be_changed_in_the_admin(coordinator_client, partnership):
    update = QuarterlyUpdate.objects.get(objective__plan__partnership=partnership)
    QuarterlyUpdate.objects.filter(pk=update.pk).update(state=QuarterlyUpdate.State.SUBMITTED)
    update.refresh_from_db()
    url = reverse("admin:plans_quarterlyupdate_change", args=[update.pk])

    response = coordinator_client.post(url, _update_form(update, progress="Rewritten after submission"))

    assert response.status_code == 200
    assert "cannot be changed until a reviewer returns it" in response.content.decode()
    update.refresh_from_db()
    assert update.progress != "Rewritten after submission"
    assert update.state == QuarterlyUpdate.State.SUBMITTED


def test_a_report_jobs_file_and_state_cannot_be_changed(coordinator_client, partnership):
    job = ReportJob.objects.get(partnership=partnership)
    url = reverse("admin:reporting_reportjob_change", args=[job.pk])
    assert coordinator_client.get(url).status_code == 200  # readable

    response = coordinator_client.post(url, {"state": "done", "checksum": "0" * 64})

    assert response.status_code == 403
    job.refresh_from_db()
    assert job.state == ReportJob.State.QUEUED
    assert job.checksum == ""


def test_user_pickers_offer_only_members_of_the_coordinators_partnerships(coordinator_client, partnership):
    outsider = UserFactory(username="outsider")
    person = Person.objects.filter(partnership=partnership).first()
    url = reverse("admin:csp_person_change", args=[person.pk])

    choices = coordinator_client.get(url).context["adminform"].form.fields["user"].queryset
    response = coordinator_client.post(
        url, {"name": person.name, "job_title": person.job_title, "user": outsider.pk, "email": ""}
    )

    assert outsider not in choices
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    person.refresh_from_db()
    assert person.user_id != outsider.pk


def test_coordinator_archives_and_restores_through_admin_actions(coordinator_client, coordinator, partnership):
    from plans.models import Comment

    comment = Comment.objects.get(objective__plan__partnership=partnership)
    url = reverse("admin:plans_comment_changelist")

    response = coordinator_client.post(
        url, {"action": "archive_selected", "_selected_action": [comment.pk]}, follow=True
    )

    assert "1 archived" in response.content.decode()
    comment.refresh_from_db()
    assert comment.archived_by == coordinator
    coordinator_client.post(url, {"action": "restore_selected", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert comment.archived_at is None


def test_admin_archive_action_cannot_reach_another_partnership(coordinator_client, partnership):
    from plans.models import Comment

    other = one_of_everything_in_a_partnership()
    theirs = Comment.objects.get(objective__plan__partnership=other)

    coordinator_client.post(
        reverse("admin:plans_comment_changelist"), {"action": "archive_selected", "_selected_action": [theirs.pk]}
    )

    theirs.refresh_from_db()
    assert theirs.archived_at is None


def test_nobody_reverts_an_update_from_history(superuser_client, partnership):
    update = QuarterlyUpdate.objects.get(objective__plan__partnership=partnership)
    first = update.history.order_by("history_id").first().history_id
    url = reverse("admin:plans_quarterlyupdate_simple_history", args=[update.pk, first])

    response = superuser_client.post(url, {"progress": "Reverted", "expected_version": update.version})

    assert response.status_code == 403
    update.refresh_from_db()
    assert update.progress != "Reverted"


def _person_change_post(client, person, *, name: str):
    """Post the person's change form as the admin rendered it, with one field changed."""
    url = reverse("admin:csp_person_change", args=[person.pk])
    form = client.get(url).context["adminform"].form
    data = {name_: form[name_].value() for name_ in form.fields}
    data = {key: ("" if value is None else value) for key, value in data.items()}
    data["name"] = name
    return url, data


def test_an_admin_save_over_a_change_made_since_the_form_opened_is_refused(coordinator_client, partnership):
    person = Person.objects.filter(partnership=partnership).first()
    url, data = _person_change_post(coordinator_client, person, name="Operator's spelling")
    assert data["seen_version"]
    person.name = "Saved by someone else meanwhile"
    person.save()

    response = coordinator_client.post(url, data)

    assert response.status_code == 200
    assert "Someone saved this record after you opened it" in response.content.decode()
    person.refresh_from_db()
    assert person.name == "Saved by someone else meanwhile"


def test_an_admin_save_with_the_version_it_showed_is_kept(coordinator_client, partnership):
    person = Person.objects.filter(partnership=partnership).first()
    url, data = _person_change_post(coordinator_client, person, name="Operator's spelling")

    response = coordinator_client.post(url, data)

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "Operator's spelling"


def test_where_an_imported_plan_came_from_is_shown_not_editable_in_the_admin(coordinator_client, partnership):
    plan = Plan.objects.get(partnership=partnership)
    plan.source_sha256, plan.imported_from = "a" * 64, "stevenage.xlsx"
    plan.save()

    page = coordinator_client.get(reverse("admin:plans_plan_change", args=[plan.pk])).content.decode()

    assert "stevenage.xlsx" in page
    assert 'name="source_sha256"' not in page
    assert 'name="imported_from"' not in page
