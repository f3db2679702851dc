"""Two-factor sign-in with an authenticator app (TOTP) and recovery codes, built on django-otp.

Required for coordinators and superusers, offered to everyone; once someone has set it up it is
required for them too. After the password, `TwoFactorRequiredMiddleware` sends a signed-in but
unverified user to the code page (or, when it is required and not set up yet, to set it up) and
lets them reach nothing else but sign-out.
"""

from __future__ import annotations

import base64
import re
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Role
from .selectors import holds_role_anywhere

TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# Pages a signed-in but unverified user may still reach.
OPEN_URL_NAMES = {"logout", "csp:two_factor_verify", "csp:two_factor_setup"}


def two_factor_required_by_role(user: AbstractBaseUser) -> bool:
    """Whether the user's roles require two-factor sign-in: superusers and coordinators.

    From the request's one role lookup (the navigation needs it anyway), not a query of its own."""
    return user.is_superuser or holds_role_anywhere(user, Role.COORDINATOR)


def two_factor_enabled(user: AbstractBaseUser) -> bool:
    """Whether the user has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: AbstractBaseUser) -> int:
    """How many unused recovery codes the user has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def normalise_code(code: str) -> str:
    """A code as typed (spaces, dashes, capitals) in the form the devices store."""
    return re.sub(r"[\s-]", "", code or "").lower()


def two_factor_code_check(*, user: AbstractBaseUser, code: str) -> tuple[Device | None, str]:
    """The device that accepts the code (authenticator or recovery code), or None and why not."""
    code = normalise_code(code)
    if not code:
        return None, "Enter the code from your authenticator app, or a recovery code"
    devices = [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]
    throttled = False
    for device in devices:
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            throttled = True
            continue
        # django-otp's verify_token records failures and slows later tries (throttling).
        with transaction.atomic():
            if device.verify_token(code):
                return device, ""
    if throttled:
        return None, "Too many wrong codes. Wait a minute, then enter a new code from your authenticator app"
    return None, "The code is not right. Enter the current 6-digit code from your authenticator app, or a recovery code"


@transaction.atomic
def totp_device_pending(*, user: AbstractBaseUser) -> TOTPDevice:
    """The user's authenticator being set up (a new secret until it is confirmed with a code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm an authenticator with its first code; the new recovery codes, or None if the code is wrong."""
    if not device.verify_token(normalise_code(code)):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_replace(user=device.user)


@transaction.atomic
def recovery_codes_replace(*, user: AbstractBaseUser) -> list[str]:
    """New single-use recovery codes for the user; the old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def two_factor_disable(*, user: AbstractBaseUser) -> None:
    """Remove the user's authenticator and recovery codes (refused where roles require two factors)."""
    if two_factor_required_by_role(user):
        raise PermissionError("Two-factor sign-in is required for coordinators and operators.")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def totp_device_ensure(*, user: AbstractBaseUser, base32_secret: str) -> TOTPDevice:
    """Give the user a confirmed authenticator with a known secret (demo users only)."""
    key = base64.b32decode(base32_secret).hex()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        TOTPDevice.objects.filter(user=user).delete()
        return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=key, confirmed=True)
    if device.key != key:
        device.key = key
        device.save(update_fields=["key"])
    return device


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The set-up QR code of an authenticator as inline SVG (no script, no style)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


class TwoFactorRequiredMiddleware:
    """Holds a signed-in user who owes a second factor on the code (or set-up) page."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if not settings.TWO_FACTOR_ENFORCED or user is None or not user.is_authenticated:
            return None
        if user.is_verified() or request.resolver_match is None or request.resolver_match.view_name in OPEN_URL_NAMES:
            return None
        has_device = two_factor_enabled(user)
        if not has_device and not two_factor_required_by_role(user):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "Finish signing in with your two-factor code first."}, status=403)
        target = reverse("csp:two_factor_verify" if has_device else "csp:two_factor_setup")
        return redirect(f"{target}?next={quote(request.get_full_path())}")
