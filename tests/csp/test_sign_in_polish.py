"""Issue 13 point 7: sign-in errors in GOV.UK words, a last-attempt warning, signed-out page, GOV.UK error pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def user(db):
    return UserFactory(username="debbie", email="debbie@example.org")


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    return settings


def sign_in(client, username="debbie", password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_an_empty_form_asks_for_username_and_password_next_to_each_field(client, user):
    page = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert page.count("Enter your username") == 2  # summary and field
    assert page.count("Enter your password") == 2
    assert 'href="#id_username"' in page
    assert 'href="#id_password"' in page
    assert "This field is required" not in page


def test_a_wrong_password_says_so_in_govuk_words(client, user):
    page = sign_in(client, password="wrong").content.decode()
    assert "Enter a correct username and password" in page
    assert "Please enter a correct" not in page


def test_a_warning_is_shown_when_one_attempt_remains(client, user, axes_on):
    first = sign_in(client, password="wrong").content.decode()
    assert "You have one more attempt" not in first
    second = sign_in(client, password="wrong").content.decode()
    assert "You have one more attempt" in second
    assert "locked for 15 minutes" in second
    assert sign_in(client, password="wrong").status_code == 429


def test_the_warning_counts_failures_of_the_username_from_other_addresses(client, user, axes_on):
    client.post(reverse("login"), {"username": "debbie", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    page = client.post(reverse("login"), {"username": "debbie", "password": "wrong"}, REMOTE_ADDR="10.0.0.2")
    assert "You have one more attempt" in page.content.decode()


def test_no_warning_when_lockouts_are_off(client, user):
    for _ in range(6):
        page = sign_in(client, password="wrong").content.decode()
    assert "You have one more attempt" not in page


def test_a_password_reset_clears_the_warning_count(client, user, axes_on):
    from axes.utils import reset

    sign_in(client, password="wrong")
    sign_in(client, password="wrong")
    reset(username="debbie")
    assert "You have one more attempt" not in sign_in(client, password="wrong").content.decode()


def test_signing_out_shows_a_signed_out_confirmation(client, user):
    sign_in(client)
    response = client.post(reverse("logout"), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("signed_out")
    assert "You have signed out" in page
    assert "Signed in as" not in page
    assert client.get(reverse("plans:my_items")).status_code == 302


@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/no-such-page/", 404, "Page not found"),
        ("/plans/999999/", 404, "Page not found"),
    ],
)
def test_unknown_pages_get_the_govuk_404_page(client, user, path, status, heading):
    sign_in(client)
    response = client.get(path)
    assert response.status_code == status
    page = response.content.decode()
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page
    assert "govuk-template" in page


def test_the_400_and_403_handlers_are_govuk_pages(rf, db):
    from django.contrib.auth.models import AnonymousUser

    from csp.errors import bad_request, permission_denied

    request = rf.get("/plans/")
    request.user = AnonymousUser()
    assert "Sorry, there is a problem with your request" in bad_request(request).content.decode()
    assert "You do not have permission to do this" in permission_denied(request).content.decode()


def test_a_server_error_gets_the_govuk_500_page_without_the_debug_page(db, settings):
    from django.urls import path

    from csp import urls

    def broken(request):
        raise RuntimeError("boom")

    settings.ROOT_URLCONF = type(
        "BrokenUrls", (), {"urlpatterns": [path("broken/", broken), *urls.urlpatterns], "handler500": urls.handler500}
    )
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "govuk-template" in page
    assert "boom" not in page


def test_an_api_server_error_is_json(rf):
    from csp.errors import server_error

    response = server_error(rf.get("/api/plans/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
