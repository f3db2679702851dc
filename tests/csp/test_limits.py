"""Text limits (csp.limits) hold on the update page, the API and the services; an oversized body gets 413."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from csp.limits import DEFAULT_TEXT_LIMIT, TEXT_LIMITS, text_limit, text_limits_check
from plans.models import Objective, QuarterlyUpdate
from plans.services.updates import UpdateInput, update_save_draft
from tests.api.conftest import client_for
from tests.plans.test_updates_services import domestic_abuse_item
from tests.plans.test_updates_views import edit_url, form_data

pytestmark = pytest.mark.django_db

PROGRESS_LIMIT = TEXT_LIMITS["plans.quarterlyupdate.progress"]


@pytest.fixture
def item(db):
    return domestic_abuse_item()


def test_progress_takes_ten_thousand_characters():
    assert text_limit(QuarterlyUpdate, "progress") == 10_000


def test_every_text_field_has_a_limit():
    from django.apps import apps
    from django.db import models

    unbounded = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.TextField | models.CharField) and not text_limit(model, field.name)
    ]
    assert unbounded == []


def test_a_text_field_without_its_own_entry_takes_the_default():
    assert text_limit(Objective, "how_measured") == DEFAULT_TEXT_LIMIT


def test_the_service_refuses_progress_over_the_limit_and_writes_nothing(item):
    with pytest.raises(ValidationError) as error:
        update_save_draft(
            user=item.lead_user,
            objective=item.objective,
            period=item.q2,
            data=UpdateInput(progress="x" * (PROGRESS_LIMIT + 1)),
            version=0,
        )

    assert error.value.message_dict["progress"] == ["Progress must be 10,000 characters or fewer"]
    assert not QuarterlyUpdate.objects.filter(objective=item.objective, period=item.q2).exists()


def test_the_service_takes_progress_at_the_limit(item):
    update = update_save_draft(
        user=item.lead_user,
        objective=item.objective,
        period=item.q2,
        data=UpdateInput(progress="x" * PROGRESS_LIMIT),
        version=0,
    )

    assert len(update.progress) == PROGRESS_LIMIT


def test_text_limits_check_names_each_field_too_long(item):
    item.objective.title = "x" * 2_001

    with pytest.raises(ValidationError) as error:
        text_limits_check(item.objective)

    assert list(error.value.message_dict) == ["title"]


def test_the_update_page_shows_the_limit_next_to_the_field(client, item):
    client.force_login(item.lead_user)

    response = client.post(edit_url(item), form_data(item, progress="x" * (PROGRESS_LIMIT + 1)))

    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert 'govuk-textarea--error" id="id_progress"' in page
    assert "Progress must be 10,000 characters or fewer" in page
    assert not QuarterlyUpdate.objects.filter(objective=item.objective, period=item.q2).exists()


def test_the_update_page_shows_the_limit_next_to_an_outcome_note(client, item):
    client.force_login(item.lead_user)
    outcome = item.outcomes[1]

    response = client.post(edit_url(item), form_data(item, **{f"outcome-{outcome.pk}-note": "y" * 5_001}))

    assert response.status_code == 200
    assert "The outcome note must be 5,000 characters or fewer" in response.content.decode()


def test_the_api_gives_a_field_error_for_progress_over_the_limit(item):
    client = client_for(item.lead_user)

    response = client.post(
        "/api/updates/",
        {"objective": item.objective.pk, "period": item.q2.pk, "progress": "x" * (PROGRESS_LIMIT + 1)},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["progress"] == ["Progress must be 10,000 characters or fewer"]


def test_the_api_gives_a_field_error_for_a_nested_outcome_note(item):
    client = client_for(item.lead_user)
    outcome = item.outcomes[0]

    response = client.post(
        "/api/updates/",
        {
            "objective": item.objective.pk,
            "period": item.q2.pk,
            "outcome_statuses": [{"outcome": outcome.pk, "rag_status": "green", "note": "n" * 5_001}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert "5,000 characters or fewer" in str(response.json()["outcome_statuses"])


# Oversized bodies


def test_an_oversized_api_body_is_a_413_in_json(item, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    client = client_for(item.lead_user)

    response = client.post(
        "/api/updates/", {"objective": item.objective.pk, "period": item.q2.pk, "progress": "x" * 2_000}, format="json"
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "at most 1,000 bytes" in response.json()["detail"]
    assert not QuarterlyUpdate.objects.filter(objective=item.objective, period=item.q2).exists()


def test_an_oversized_form_is_a_413_govuk_page(client, item, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    client.force_login(item.lead_user)

    response = client.post(edit_url(item), form_data(item, progress="x" * 2_000))

    page = response.content.decode()
    assert response.status_code == 413
    assert "What you sent is too large" in page
    assert "govuk-heading-l" in page
    assert not QuarterlyUpdate.objects.filter(objective=item.objective, period=item.q2).exists()


def test_a_body_within_the_limit_is_read(client, item, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    client.force_login(item.lead_user)

    response = client.post(edit_url(item), form_data(item))

    assert response.status_code == 302


def test_too_many_fields_is_a_413_page_not_a_500(client, item, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    client.force_login(item.lead_user)

    response = client.post(edit_url(item), {f"field{i}": "x" for i in range(50)})

    assert response.status_code == 413


def test_an_unknown_page_is_a_govuk_404(client, item):
    client.force_login(item.lead_user)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_an_unknown_api_path_is_a_json_404(item):
    response = client_for(item.lead_user).get("/api/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_every_limit_is_documented():
    from pathlib import Path

    documented = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()

    for field, limit in TEXT_LIMITS.items():
        assert f"| `{field}` | {limit:,} |" in documented
    assert f"any other text field | {DEFAULT_TEXT_LIMIT:,} |" in documented


def test_the_review_services_refuse_a_comment_over_the_limit(item):
    from plans.services.reviews import comment_create

    with pytest.raises(ValidationError) as error:
        comment_create(author=item.lead_user, objective=item.objective, text="c" * 5_001)

    assert error.value.messages == ["The comment must be 5,000 characters or fewer"]
    assert not item.objective.comments.exists()
