"""Nothing typed is lost when a session ends: keep a late save for its author, give it back after sign-in.

The update page carries a signed owner token (who opened it, for which objective and quarter). A save
posted after the session expired arrives anonymous; with a valid token its fields are kept as a
PendingSave for that user only, and restored into the form when that same user signs in again.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction

from csp.models import ReportingPeriod
from csp.selectors import User

from ..models import Objective, PendingSave
from ..selectors.pending_saves import expired_before

# How long an open update page may wait before its owner token is no longer honoured.
OWNER_TOKEN_MAX_AGE = dt.timedelta(days=7)
_SALT = "plans.pending-save.owner"
# Fields of the page that are not what the person typed.
NOT_KEPT = ("csrfmiddlewaretoken", "action", "owner")


def owner_token(*, user: User, objective: Objective, period: ReportingPeriod) -> str:
    """The signed token an update page carries: who opened it, for which objective and quarter."""
    return signing.dumps({"u": user.pk, "o": objective.pk, "p": period.pk}, salt=_SALT)


@transaction.atomic
def pending_save_keep(
    *, token: str, objective_pk: int, period_pk: int, fields: dict[str, list[str]]
) -> PendingSave | None:
    """Keep what was posted after the session ended, for the page's owner; None if the token is not valid."""
    try:
        owner = signing.loads(token, salt=_SALT, max_age=OWNER_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if owner.get("o") != objective_pk or owner.get("p") != period_pk:
        return None
    user = get_user_model().objects.filter(pk=owner.get("u"), is_active=True).first()
    objective = Objective.objects.filter(pk=objective_pk).first()
    period = ReportingPeriod.objects.filter(pk=period_pk).first()
    if user is None or objective is None or period is None:
        return None
    PendingSave.objects.filter(created_at__lt=expired_before()).delete()
    # One kept save per person and update: the latest one is what they typed last.
    PendingSave.objects.filter(user=user, objective=objective, period=period).delete()
    kept = {name: [str(v) for v in values] for name, values in fields.items() if name not in NOT_KEPT}
    return PendingSave.objects.create(
        token=secrets.token_urlsafe(32), user=user, objective=objective, period=period, fields=kept
    )


@transaction.atomic
def pending_saves_discard(*, user: User, objective: Objective, period: ReportingPeriod) -> None:
    """Forget the kept saves of this update once its owner has saved it."""
    PendingSave.objects.filter(user=user, objective=objective, period=period).delete()
