"""API tokens: hashed at rest (django-rest-knox), expiring, named, read-only or read-write (docs/security.md).

knox stores only a SHA-512 digest of each token and refuses expired ones. It has no name or
scope, so `ApiToken` (knox's swappable token model, KNOX_TOKEN_MODEL) adds them. Tokens end when
their owner's password changes or the owner is deactivated: a `pre_save` receiver on the user
model is the one place every way of changing a password passes (the reset page, the admin,
`changepassword`, `set_password()` + `save()`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from knox.models import AbstractAuthToken
from knox.settings import knox_settings
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS


class ApiToken(AbstractAuthToken):
    """A person's API token: its hash, a name they chose, an expiry, and whether it may write."""

    name = models.CharField(max_length=100)
    read_only = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="unique_api_token_name_per_user")]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_key}…)"

    @property
    def scope_label(self) -> str:
        return "Read only" if self.read_only else "Read and write"


def api_tokens_of(*, user: AbstractBaseUser) -> models.QuerySet[ApiToken]:
    """The user's tokens that still work, newest first."""
    return ApiToken.objects.filter(user=user).filter(
        models.Q(expiry__isnull=True) | models.Q(expiry__gt=timezone.now())
    )


def api_token_validate(*, user: AbstractBaseUser, name: str, days: int | None) -> dict[str, str]:
    """Errors of a new token's name and lifetime, by field; empty when both are fine."""
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = "Enter a name for the token, for example the script or system that will use it"
    elif len(name) > 100:
        errors["name"] = "The name must be 100 characters or fewer"
    elif ApiToken.objects.filter(user=user, name=name).exists():
        errors["name"] = "You already have a token with this name: choose another name or revoke that token"
    if days is not None and not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        errors["days"] = f"The token must last between 1 and {settings.API_TOKEN_MAX_DAYS} days"
    return errors


@transaction.atomic
def api_token_create(
    *, user: AbstractBaseUser, name: str, read_only: bool = False, days: int | None = None
) -> tuple[ApiToken, str]:
    """A new named token for the user and its secret, which is never stored and cannot be shown again."""
    errors = api_token_validate(user=user, name=name, days=days)
    if errors:
        raise ValidationError(errors)
    lifetime = dt.timedelta(days=days) if days is not None else knox_settings.TOKEN_TTL
    return ApiToken.objects.create(user=user, expiry=lifetime, name=name.strip(), read_only=read_only)


@transaction.atomic
def api_token_revoke(*, user: AbstractBaseUser, token_key: str) -> bool:
    """Revoke one of the user's own tokens, named by its visible start; True if there was one."""
    deleted, _ = ApiToken.objects.filter(user=user, token_key=token_key).delete()
    return bool(deleted)


@transaction.atomic
def api_tokens_revoke_all(*, user: AbstractBaseUser) -> int:
    """Revoke every token of the user; how many there were."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="csp.tokens.revoke_on_credentials_change")
def _revoke_tokens_when_password_changes_or_user_is_deactivated(sender, instance, raw=False, update_fields=None, **_):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    stored = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    if stored["password"] != instance.password or (stored["is_active"] and not instance.is_active):
        api_tokens_revoke_all(user=instance)


class ApiTokenAuthentication(TokenAuthentication):
    """knox's token check (hash, expiry, active user), and a read-only token may only read.

    The scope is enforced here rather than in each view's permission classes so that every API
    view, present and future, that accepts tokens applies it.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            _, token = result
            if token.read_only and request.method not in SAFE_METHODS:
                raise exceptions.PermissionDenied("This API token is read-only: it cannot change anything.")
        return result


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes our tokens: `Authorization: Token <key>`."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'An API token from /account/api-tokens/, sent as "Token <key>".',
        }
