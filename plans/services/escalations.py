"""Writes of the board: its chair (or a coordinator) resolves an escalated item with a decision and a minute."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from csp.limits import text_length_check

from ..models import Escalation
from ..selectors.access import can_resolve_escalation
from .notifications import notify_escalation_resolved


@transaction.atomic
def escalation_resolve(
    *, user: AbstractBaseUser, escalation: Escalation, decision: str, minute_reference: str
) -> Escalation:
    """The board chair or a coordinator records the board's decision and its minute; refused once resolved."""
    escalation = Escalation.objects.select_for_update(of=("self",)).select_related("board__chair").get(pk=escalation.pk)
    if not can_resolve_escalation(user, escalation):
        raise PermissionDenied("Only the chair of the board, or a coordinator, may resolve this escalation.")
    if escalation.resolved_at is not None:
        raise ValidationError("This escalation is already resolved.")
    decision = (decision or "").strip()
    minute_reference = (minute_reference or "").strip()
    if not decision:
        raise ValidationError({"decision": "Enter the board's decision"})
    if not minute_reference:
        raise ValidationError({"minute_reference": "Enter the minute reference"})
    text_length_check(Escalation, "resolution", decision, "The decision")
    text_length_check(Escalation, "minute_reference", minute_reference, "The minute reference")
    escalation.resolution = decision
    escalation.minute_reference = minute_reference
    escalation.resolved_by = user
    escalation.resolved_at = timezone.now()
    escalation._history_user = user
    escalation.save()
    notify_escalation_resolved(escalation)
    return escalation
