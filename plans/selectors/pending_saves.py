"""Reads of the saves kept for someone whose session ended (written by plans.services.pending_saves)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from csp.models import ReportingPeriod
from csp.selectors import User

from ..models import Objective, PendingSave

PENDING_SAVE_HOURS = 24


def expired_before() -> dt.datetime:
    """Saves kept before this moment are no longer given back."""
    return timezone.now() - dt.timedelta(hours=PENDING_SAVE_HOURS)


def pending_save_for(*, user: User, token: str, objective: Objective, period: ReportingPeriod) -> PendingSave | None:
    """The kept save behind `token` if it is this user's, for this update, and not expired; else None."""
    if not user.is_authenticated or not token:
        return None
    return PendingSave.objects.filter(
        token=token, user=user, objective=objective, period=period, created_at__gte=expired_before()
    ).first()
