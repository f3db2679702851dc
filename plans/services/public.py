"""Publishing a plan's public summary: partnerships publish their plans, so the product can too.

The public page shows priorities, objectives and their status by quarter: never officers' names,
progress text, reasons or notes (plans/selectors/public.py decides what it holds).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..models import Plan


def plan_public_summary_publish(*, plan: Plan) -> Plan:
    """Publish the plan's public summary at its stable address (a second publish keeps the first date)."""
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if plan.public_since is None:
            plan.public_since = timezone.now()
            plan.save(update_fields=["public_since", "updated_at"])
    return plan


def plan_public_summary_withdraw(*, plan: Plan) -> Plan:
    """Take the public summary down: its address answers 404 until it is published again."""
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if plan.public_since is not None:
            plan.public_since = None
            plan.save(update_fields=["public_since", "updated_at"])
    return plan
