"""Leads as every page names them, from the one rule in `plans.rules`."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from csp.text import shorten as shorten_text

from .. import rules

register = template.Library()

# What a lead cell shows when the plan names no lead at all.
NO_LEAD = "–"


@register.simple_tag
def leads_or_text(leads: Iterable, text: str | None, shorten: int | None = None) -> str:
    """{% leads_or_text objective.leads.all objective.lead_text %}: the structured leads in one line, else the
    plan's own words (`plans.rules.leads_or_text`), else "–".

    `shorten=80` cuts the plan's own words between words (a narrow column); leads are never cut, so no name is
    lost. The output is escaped like any variable.
    """
    words = text or ""
    if shorten and words:
        words = shorten_text(words, int(shorten))
    return rules.leads_or_text(leads, words) or NO_LEAD
