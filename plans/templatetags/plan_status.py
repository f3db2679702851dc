"""Template words for statuses, taken from the one status rule so every page says the same."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join

from csp.models import RagStatus

from ..models import QuarterlyUpdate
from ..selectors.status import STATUSES_WITH_REASON, PeriodStatus

register = template.Library()

# A status written on an update or outcome (not yet an objective's period status) that gives none.
NOT_GIVEN = "No status given"


@register.filter
def status_label(status: str | None) -> str:
    """Words for a period status ('No update', 'Update gives no status') or for a RAG value as written."""
    if status in PeriodStatus.LABELS:
        return PeriodStatus.label(status)
    if status == RagStatus.NOT_UPDATED or not status:
        return NOT_GIVEN
    return RagStatus(status).label


# The colour of each status's tag: a second cue beside the words, never the only one.
TAG_CLASSES = {"green": "govuk-tag--green", "amber": "govuk-tag--yellow", "red": "govuk-tag--red"}


@register.simple_tag
def rag_tag(status: str | None, meaning: str = "") -> str:
    """A status as a GOV.UK tag (words, with colour as a second cue) and its meaning beside it.

    The markup of `includes/rag_tag.html`, which calls this; pages with many statuses call the tag directly
    (an include per status costs a template render each: issue 15).
    """
    tag = format_html(
        '<strong class="govuk-tag app-status {}">{}</strong>',
        TAG_CLASSES.get(status, "govuk-tag--grey"),
        status_label(status),
    )
    if meaning:
        return format_html('{} <span class="govuk-body-s">{}</span>', tag, meaning)
    return tag


# An update's state as a tag's colour (a second cue beside the words); not started and anything else is grey.
STATE_TAG_CLASSES = {
    QuarterlyUpdate.State.DRAFT: "govuk-tag--light-blue",
    QuarterlyUpdate.State.SUBMITTED: "govuk-tag--blue",
    QuarterlyUpdate.State.RETURNED: "govuk-tag--orange",
    QuarterlyUpdate.State.APPROVED: "govuk-tag--green",
}


@register.simple_tag
def update_state_tag(state: str | None, label: str) -> str:
    """An update's state as a GOV.UK tag: the markup of `plans/updates/_state_tag.html`, which calls this; lists
    with a row per item call the tag directly (an include per row costs a template render each: issue 15)."""
    return format_html(
        '<strong class="govuk-tag app-status {}">{}</strong>', STATE_TAG_CLASSES.get(state, "govuk-tag--grey"), label
    )


@register.simple_tag
def status_reason(status: str | None, update) -> str:
    """Beside a red or amber status: the reason (`rag_note`) and the outcome notes of the counted update.

    The markup of `includes/status_reason.html`, which calls this; pages with a row per item call the tag
    directly (an include per row costs a template render each: issue 15). Prefetch the update's
    `outcome_statuses` with their outcomes.
    """
    if not update or status not in STATUSES_WITH_REASON:
        return ""
    notes = ""
    noted = [s for s in update.outcome_statuses.all() if s.note]
    if noted:  # no empty list when no outcome has a note (a screen reader would announce "list, 0 items")
        lines = format_html_join(
            "", "<li>Outcome {} ({}): {}</li>", ((s.outcome.number, status_label(s.rag_status), s.note) for s in noted)
        )
        notes = format_html('<ul class="govuk-list govuk-body-s govuk-!-margin-bottom-0">\n    {}\n  </ul>', lines)
    return format_html(
        '<div class="app-reason govuk-body-s">\n'
        '  <p class="govuk-body-s govuk-!-margin-bottom-1"><strong>Reason:</strong> {}</p>\n'
        "  {}\n"
        "</div>",
        update.rag_note or "No reason given.",
        notes,
    )
