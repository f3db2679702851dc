"""Reads of plans; access.py decides who sees what and every other selector builds on it."""

from .access import (  # noqa: F401
    can_edit_update,
    can_review,
    chairs_group_of,
    is_lead_officer_of,
    objective_get_for_user,
    objectives_led_by,
    objectives_visible_to,
    plan_get_for_user,
    plans_visible_to,
    updates_visible_to,
)
