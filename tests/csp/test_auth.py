"""Signing in and out, resetting a password by e-mail, idle sessions, and throttled failed logins."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def user(db):
    return UserFactory(username="debbie", email="debbie@example.org")


def sign_in(client, username="debbie", password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_signing_in_goes_to_the_home_page(client, user):
    response = sign_in(client)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_a_wrong_password_shows_an_error_summary(client, user):
    response = sign_in(client, password="wrong")
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'href="#id_username"' in page


def test_signing_out_ends_the_session(client, user):
    sign_in(client)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.get(reverse("plans:my_items")).status_code == 302


def test_a_session_expires_after_inactivity(client, user, settings):
    sign_in(client)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get(reverse("plans:my_items"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_each_request_pushes_the_session_expiry_forward(client, user):
    sign_in(client)
    soon = timezone.now() + timezone.timedelta(seconds=30)
    Session.objects.update(expire_date=soon)
    client.get(reverse("plans:my_items"))
    assert Session.objects.get().expire_date > soon


def test_password_reset_by_email_lets_the_user_sign_in_with_the_new_password(client, user):
    response = client.post(reverse("password_reset"), {"email": "debbie@example.org"})
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Reset your password for Community safety plans"
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
        follow=True,
    )
    assert "Password changed" in done.content.decode()
    assert sign_in(client, password="a-new-long-passphrase").status_code == 302


def test_password_reset_does_not_reveal_whether_an_address_has_an_account(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_used_or_broken_reset_link_says_so(client, user):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "bad-token"]))
    assert "This link does not work" in response.content.decode()


def test_repeated_failed_logins_lock_the_account_for_a_while(client, user, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        sign_in(client, password="wrong")
    response = sign_in(client)  # even the right password is refused while locked
    page = response.content.decode()
    assert response.status_code == 429
    assert "Too many attempts to sign in" in page
    assert "15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_failed_logins_below_the_limit_do_not_lock(client, user, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        sign_in(client, password="wrong")
    assert sign_in(client).status_code == 302
