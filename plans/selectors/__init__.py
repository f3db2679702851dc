"""Reads of plans; access.py decides who sees what and every other selector builds on it."""

from .access import (  # noqa: F401
    access_change_proposal,
    access_objective,
    access_plan,
    access_update,
    can_change_plan_content,
    can_edit_update,
    can_review,
    chairs_group_of,
    is_lead_officer_of,
    objectives_led_by,
    objectives_visible_to,
    plans_visible_to,
    updates_visible_to,
)
