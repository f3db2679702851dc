"""Two-factor sign-in: required for coordinators and superusers, offered to everyone, with recovery codes."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from csp.tokens import api_token_create
from csp.two_factor import recovery_codes_replace, totp_device_ensure
from tests.factories import PASSWORD, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
VERIFY = reverse("csp:two_factor_verify")
SETUP = reverse("csp:two_factor_setup")


@pytest.fixture(autouse=True)
def enforced(settings):
    settings.TWO_FACTOR_ENFORCED = True


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The authenticator's code now (or a step ahead, for a second sign-in within 30 seconds)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, user, next_url=""):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


@pytest.fixture
def coordinator(make_member):
    return make_member(PartnershipFactory(), "coordinator")


@pytest.fixture
def lead(make_member):
    return make_member(PartnershipFactory(), "lead_officer")


@pytest.fixture
def lead_with_app(lead):
    return lead, totp_device_ensure(user=lead, base32_secret=SECRET)


def test_a_coordinator_without_an_app_is_sent_to_set_one_up(client, coordinator):
    sign_in(client, coordinator)

    response = client.get(reverse("plans:my_items"))

    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=/plans/my-items/"


def test_a_superuser_without_an_app_is_sent_to_set_one_up(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    sign_in(client, admin)

    assert client.get("/admin/")["Location"].startswith(SETUP)


def test_someone_whose_roles_do_not_require_it_signs_in_with_the_password_alone(client, lead):
    sign_in(client, lead)

    assert client.get(reverse("plans:my_items")).status_code == 200


def test_someone_with_an_app_is_asked_for_a_code_before_anything_else(client, lead_with_app):
    lead, _ = lead_with_app
    sign_in(client, lead)

    response = client.get(reverse("plans:my_items"))

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert "next=/plans/my-items/" in response["Location"]


def test_the_api_refuses_a_session_that_owes_a_code(client, lead_with_app):
    lead, _ = lead_with_app
    sign_in(client, lead)

    response = client.get("/api/plans/")

    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


def test_a_script_with_a_token_needs_no_code(client, coordinator):
    totp_device_ensure(user=coordinator, base32_secret=SECRET)
    _, secret = api_token_create(user=coordinator, name="Script")

    assert client.get("/api/plans/", HTTP_AUTHORIZATION=f"Token {secret}").status_code == 200


def test_signing_out_works_before_the_code(client, lead_with_app):
    lead, _ = lead_with_app
    sign_in(client, lead)

    client.post(reverse("logout"))

    assert "_auth_user_id" not in client.session


def test_the_right_code_finishes_signing_in_and_goes_on_to_next(client, lead_with_app):
    lead, device = lead_with_app
    sign_in(client, lead)

    response = client.post(VERIFY, {"code": code_for(device), "next": "/plans/my-items/"})

    assert response.status_code == 302
    assert response["Location"] == "/plans/my-items/"
    assert client.get(reverse("plans:my_items")).status_code == 200


def test_next_may_not_lead_off_the_site(client, lead_with_app):
    lead, device = lead_with_app
    sign_in(client, lead)

    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})

    assert response["Location"] == reverse("plans:my_items")  # a lead officer's own landing page, never the other site


@pytest.mark.parametrize("code", ["", "000000", "12345", "not-a-code"])
def test_a_wrong_code_is_refused_next_to_the_field(client, lead_with_app, code):
    lead, _ = lead_with_app
    sign_in(client, lead)

    response = client.post(VERIFY, {"code": code})

    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert 'href="#id_code"' in page
    assert client.get(reverse("plans:my_items"))["Location"].startswith(VERIFY)


def test_a_code_cannot_be_used_twice(client, lead_with_app):
    lead, device = lead_with_app
    code = code_for(device)
    sign_in(client, lead)
    client.post(VERIFY, {"code": code})
    client.post(reverse("logout"))
    sign_in(client, lead)

    assert client.post(VERIFY, {"code": code}).status_code == 400


def test_wrong_codes_slow_further_tries_down(client, lead_with_app):
    lead, device = lead_with_app
    sign_in(client, lead)
    for _ in range(3):
        client.post(VERIFY, {"code": "000000"})

    response = client.post(VERIFY, {"code": code_for(device)})

    assert response.status_code == 400
    assert "Too many wrong codes" in response.content.decode()


def test_a_recovery_code_signs_in_once(client, lead_with_app):
    lead, _ = lead_with_app
    code = recovery_codes_replace(user=lead)[0]
    sign_in(client, lead)

    first = client.post(VERIFY, {"code": code.upper()})
    client.post(reverse("logout"))
    sign_in(client, lead)
    second = client.post(VERIFY, {"code": code})

    assert first.status_code == 302
    assert second.status_code == 400


def test_setting_up_shows_a_qr_code_and_the_secret_as_text(client, lead):
    client.force_login(lead)

    response = client.get(SETUP)

    page = response.content.decode()
    device = TOTPDevice.objects.get(user=lead, confirmed=False)
    assert "<svg" in page
    assert 'id="totp-secret"' in page
    assert "no-store" in response["Cache-Control"]
    assert device.key  # the secret the page shows, kept until it is confirmed


def test_the_first_code_turns_two_factor_on_and_shows_recovery_codes_once(client, lead):
    client.force_login(lead)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=lead)

    response = client.post(SETUP, {"code": code_for(device)})

    page = response.content.decode()
    codes = list(StaticToken.objects.filter(device__user=lead).values_list("token", flat=True))
    device.refresh_from_db()
    assert device.confirmed
    assert len(codes) == 10
    assert all(code in page for code in codes)
    assert "no-store" in response["Cache-Control"]
    assert not any(code in client.get(reverse("csp:two_factor")).content.decode() for code in codes)


def test_a_wrong_first_code_leaves_two_factor_off(client, lead):
    client.force_login(lead)
    client.get(SETUP)

    response = client.post(SETUP, {"code": "000000"})

    assert response.status_code == 400
    assert "The code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=lead, confirmed=True).exists()


def test_a_coordinator_who_sets_up_an_app_can_go_on(client, coordinator):
    sign_in(client, coordinator)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=coordinator)

    client.post(SETUP, {"code": code_for(device)})

    assert client.get(reverse("plans:my_items")).status_code == 200


def test_the_password_alone_cannot_replace_the_app(client, lead_with_app):
    lead, device = lead_with_app
    sign_in(client, lead)

    response = client.get(SETUP)

    assert response["Location"].startswith(VERIFY)
    assert list(TOTPDevice.objects.filter(user=lead)) == [device]


def test_new_recovery_codes_replace_the_old_ones(client, lead_with_app):
    lead, device = lead_with_app
    old = recovery_codes_replace(user=lead)
    sign_in(client, lead)
    client.post(VERIFY, {"code": code_for(device)})

    response = client.post(reverse("csp:two_factor"), {"action": "recovery_codes"})

    new = list(StaticToken.objects.filter(device__user=lead).values_list("token", flat=True))
    assert set(new).isdisjoint(old)
    assert all(code in response.content.decode() for code in new)


def test_someone_whose_roles_do_not_require_it_may_turn_it_off(client, lead_with_app):
    lead, device = lead_with_app
    sign_in(client, lead)
    client.post(VERIFY, {"code": code_for(device)})

    client.post(reverse("csp:two_factor"), {"action": "turn_off"})

    assert not TOTPDevice.objects.filter(user=lead).exists()


def test_a_coordinator_cannot_turn_it_off(client, coordinator):
    device = totp_device_ensure(user=coordinator, base32_secret=SECRET)
    sign_in(client, coordinator)
    client.post(VERIFY, {"code": code_for(device)})

    response = client.post(reverse("csp:two_factor"), {"action": "turn_off"}, follow=True)

    assert "required for coordinators" in response.content.decode()
    assert TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()


def test_the_demo_secret_gives_the_same_device_each_time(lead):
    first = totp_device_ensure(user=lead, base32_secret=SECRET)
    second = totp_device_ensure(user=lead, base32_secret=SECRET)

    assert first.pk == second.pk
    assert TOTPDevice.objects.filter(user=lead).count() == 1
