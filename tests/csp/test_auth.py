"""Signing in and out, resetting a password by e-mail, idle sessions, and throttled failed logins."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from csp.sessions import TOUCHED_KEY
from tests.factories import PASSWORD, MembershipFactory, UserFactory


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
    assert response.url == reverse("signed_out")
    assert client.get(reverse("plans:my_items")).status_code == 302


def test_a_session_expires_after_inactivity(client, user, settings):
    sign_in(client)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get(reverse("plans:my_items"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def _last_touched(client, seconds_ago: int) -> None:
    session = client.session
    session[TOUCHED_KEY] = int(time.time()) - seconds_ago
    session.save()


def test_a_request_pushes_the_session_expiry_forward_once_the_last_push_is_a_minute_old(client, user):
    sign_in(client)
    _last_touched(client, 61)
    soon = timezone.now() + timezone.timedelta(seconds=30)
    Session.objects.update(expire_date=soon)
    client.get(reverse("plans:my_items"))
    assert Session.objects.get().expire_date > soon


def test_requests_within_the_minute_write_nothing_and_the_page_knows_the_time_left(client, user, settings):
    sign_in(client)
    _last_touched(client, 20)
    before = Session.objects.get().expire_date
    response = client.get(reverse("plans:my_items"))
    assert Session.objects.get().expire_date == before
    left = int(re.search(r'data-session-expires-in="(\d+)"', response.content.decode()).group(1))
    assert settings.SESSION_COOKIE_AGE - 22 <= left <= settings.SESSION_COOKIE_AGE - 20


def test_a_short_timeout_moves_the_expiry_on_every_few_seconds(client, user, settings):
    settings.SESSION_COOKIE_AGE = 30
    sign_in(client)
    _last_touched(client, 4)
    soon = timezone.now() + timezone.timedelta(seconds=5)
    Session.objects.update(expire_date=soon)
    client.get(reverse("plans:my_items"))
    assert Session.objects.get().expire_date > soon


def test_a_visitor_without_a_session_gets_none(client, db):
    client.get(reverse("login"))
    client.get(reverse("plans:my_items"))
    assert not Session.objects.exists()


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


# --- Passwords (issue 10): at least 12 characters and not a common password ---


@pytest.mark.parametrize("password", ["Summer2026", "short-pass1", "password1234", "123456789012"])
def test_weak_passwords_are_refused(password):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted(db):
    from django.contrib.auth.password_validation import validate_password

    assert validate_password("demo-csp-2026") is None


def test_the_reset_page_refuses_summer2026_next_to_the_field(client, user):
    client.post(reverse("password_reset"), {"email": "debbie@example.org"})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"new_password1": "Summer2026", "new_password2": "Summer2026"})

    page = response.content.decode()
    assert "There is a problem" in page
    assert "at least 12 characters" in page
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# --- Lockout (issue 10): per username across addresses, per address across usernames ---


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    return settings


def sign_in_from(client, address, username="debbie", password=PASSWORD, **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def test_failures_from_many_addresses_lock_the_username(client, user, axes_on):
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        sign_in_from(client, address, password="wrong")

    assert sign_in_from(client, "10.0.0.4").status_code == 429


def test_a_locked_username_does_not_lock_other_people_at_that_address(client, user, axes_on):
    UserFactory(username="other")
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        sign_in_from(client, address, password="wrong")

    assert sign_in_from(client, "10.0.0.9", username="other").status_code == 302


def test_failures_on_many_usernames_lock_the_address(client, user, axes_on):
    for username in ("alice", "bob", "carol"):
        sign_in_from(client, "10.0.0.1", username=username, password="wrong")

    assert sign_in_from(client, "10.0.0.1").status_code == 429
    assert sign_in_from(client, "10.0.0.2").status_code == 302


def test_a_correct_password_during_lockout_does_not_extend_it(client, user, axes_on):
    from axes.models import AccessAttempt
    from django.db.models import F

    for _ in range(3):
        sign_in_from(client, "10.0.0.1", password="wrong")
    cooloff = axes_on.AXES_COOLOFF_TIME
    AccessAttempt.objects.update(attempt_time=timezone.now() - cooloff + timezone.timedelta(seconds=5))
    assert sign_in_from(client, "10.0.0.1").status_code == 429  # still locked: tried during the lockout
    # Six seconds later the lockout counted from the last real failure is over; had the try
    # during the lockout been recorded, it would still run.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timezone.timedelta(seconds=6))

    assert sign_in_from(client, "10.0.0.1").status_code == 302


def test_a_password_reset_ends_the_lockout_of_that_username(client, user, axes_on):
    for _ in range(3):
        sign_in_from(client, "127.0.0.1", password="wrong")
    client.post(reverse("password_reset"), {"email": "debbie@example.org"})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"})

    assert sign_in_from(client, "127.0.0.1", password="a-new-long-passphrase").status_code == 302


def test_behind_a_trusted_proxy_each_client_address_is_locked_apart(client, user, axes_on):
    axes_on.TRUSTED_PROXY_COUNT = 1
    for username in ("alice", "bob", "carol"):
        sign_in_from(client, "10.9.9.9", username=username, password="wrong", HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert sign_in_from(client, "10.9.9.9", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert sign_in_from(client, "10.9.9.9", HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 302


def test_a_client_cannot_escape_the_address_lock_by_sending_its_own_forwarded_header(client, user, axes_on):
    axes_on.TRUSTED_PROXY_COUNT = 1
    for index, username in enumerate(("alice", "bob", "carol")):
        # The proxy appends the real address after whatever the client sent.
        forwarded = f"192.0.2.{index}, 203.0.113.7"
        sign_in_from(client, "10.9.9.9", username=username, password="wrong", HTTP_X_FORWARDED_FOR=forwarded)

    assert sign_in_from(client, "10.9.9.9", HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7").status_code == 429


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client, user, axes_on):
    for index, username in enumerate(("alice", "bob", "carol")):
        sign_in_from(client, "10.0.0.1", username=username, password="wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{index}")

    assert sign_in_from(client, "10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429


@pytest.mark.parametrize(
    ("roles", "landing"),
    [
        (("lead_officer",), "plans:my_items"),
        (("lead_officer", "coordinator"), "home"),
        (("analyst",), "home"),
        ((), "home"),
    ],
)
def test_signing_in_lands_lead_officers_on_my_items(client, db, roles, landing):
    MembershipFactory(username="lena", roles=roles)
    response = sign_in(client, username="lena")
    assert response.status_code == 302
    assert response.url == reverse(landing)


def test_a_safe_next_still_wins_over_the_lead_officer_landing(client, db):
    MembershipFactory(username="lena", roles=("lead_officer",))
    response = client.post(reverse("login") + "?next=/reports/", {"username": "lena", "password": PASSWORD})
    assert response.url == "/reports/"
