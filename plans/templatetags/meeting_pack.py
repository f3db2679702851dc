"""The meeting pack's repeated pieces (a trend list and outcome rows per item), written once per item in Python.

A pack lists every exception of a plan (150 items at national scale), each with four quarters of trend and its
expected outcomes: as template loops these were most of the page's render time. The markup is the same as the
loops it replaces, every value escaped by `format_html`; the words and colours come from the pack item
(`plans.selectors.meetings`), which takes them from the one status rule.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def pack_trend(item) -> SafeString:
    """The item's direction of travel: each of the last quarters with its status, oldest first ('' if none)."""
    cells = item.trend_cells
    if not cells:
        return mark_safe("")
    return format_html(
        '<ol class="app-trend" aria-label="Status in the last {} quarters, oldest first">{}</ol>',
        len(cells),
        format_html_join(
            "",
            '<li><span class="app-trend__quarter">{}</span> <strong class="govuk-tag {}">{}</strong></li>',
            ((quarter, tag, label) for quarter, label, tag in cells),
        ),
    )


@register.simple_tag
def pack_outcome_rows(item) -> SafeString:
    """The rows of the item's expected outcomes table: outcome, status, and the note a counted update gives."""
    rows = []
    for outcome in item.outcomes:
        label = outcome.status_label
        note = format_html("Outcome {} ({}): {}", outcome.number, label, outcome.note) if outcome.note else ""
        rows.append(
            format_html(
                '<tr class="govuk-table__row"><td class="govuk-table__cell">{}. {}</td><td class="govuk-table__cell">'
                '<strong class="govuk-tag {}">{}</strong></td><td class="govuk-table__cell app-narrative">{}</td></tr>',
                outcome.number,
                outcome.text,
                outcome.tag_class,
                label,
                note,
            )
        )
    return mark_safe("".join(rows))
