"""The meeting pack's repeated pieces (each item's heading, summary list, trend list and outcomes table), written
once per item in Python.

A pack lists every exception of a plan (150 items at national scale), each with its summary, four quarters of
trend and its expected outcomes: as template loops these were most of the page's render time, and so was
`format_html` (each of its arguments goes through Django's lazy-string wrapper). The markup is the same as the
template it replaces (tests/plans/test_meeting_pack_markup.py compares them); every value is escaped by `_e`,
which gives what Django's `conditional_escape` gives; the words and colours come from the pack item
(`plans.selectors.meetings`), which takes them from the one status rule.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import filesizeformat, pluralize
from django.utils.safestring import SafeString, mark_safe

from csp.markup import escape as _e

register = template.Library()


def _trend(item) -> str:
    cells = item.trend_cells
    if not cells:
        return ""
    items = "".join(
        f'<li><span class="app-trend__quarter">{_e(quarter)}</span> <strong class="govuk-tag {_e(tag)}">{_e(label)}'
        "</strong></li>"
        for quarter, label, tag in cells
    )
    return f'<ol class="app-trend" aria-label="Status in the last {len(cells)} quarters, oldest first">{items}</ol>'


@register.simple_tag
def pack_trend(item) -> SafeString:
    """The item's direction of travel: each of the last quarters with its status, oldest first ('' if none)."""
    return mark_safe(_trend(item))  # noqa: S308 - every value escaped by _e


@register.simple_tag
def pack_outcome_rows(item) -> SafeString:
    """The rows of the item's expected outcomes table: outcome, status, and the note a counted update gives."""
    rows = []
    for outcome in item.outcomes:
        label = _e(outcome.status_label)
        note = f"Outcome {_e(outcome.number)} ({label}): {_e(outcome.note)}" if outcome.note else ""
        rows.append(
            f'<tr class="govuk-table__row"><td class="govuk-table__cell">{_e(outcome.number)}. {_e(outcome.text)}</td>'
            f'<td class="govuk-table__cell"><strong class="govuk-tag {_e(outcome.tag_class)}">{label}</strong></td>'
            f'<td class="govuk-table__cell app-narrative">{note}</td></tr>'
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value escaped by _e


def _row(key: str, value: str, *, value_class: str = "") -> str:
    """A summary list row; `key` and `value` are markup already escaped."""
    return (
        f'<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{key}</dt>'
        f'<dd class="govuk-summary-list__value{value_class}">{value}</dd></div>'
    )


def _evidence_list(item, printing: bool) -> str:
    files = "".join(
        f'<li><a class="govuk-link" href="{_e(file.download_url)}">{_e(file.filename)}</a>'
        + ("" if printing else f' <span class="govuk-body-s">({_e(filesizeformat(file.size))})</span>')
        + "</li>"
        for file in item.evidence
    )
    return f'<ul class="govuk-list app-pack-evidence">{files}</ul>'


def _status(item) -> str:
    """The status tag, what the update's state adds to it, overdue flags and the reason for red or amber."""
    parts = [f'<strong class="govuk-tag {_e(item.status_tag_class)}">{_e(item.status_label)}</strong>']
    if item.is_returned:
        parts.append(' <strong class="govuk-tag govuk-tag--purple">Returned for changes</strong>')
    elif item.awaits_review:
        parts.append(' <strong class="govuk-tag govuk-tag--blue">Waiting for review</strong>')
    elif item.update and not item.counted:
        parts.append(' <span class="govuk-body-s">Draft in progress (not counted)</span>')
    if item.is_overdue:
        parts.append(' <strong class="govuk-tag govuk-tag--orange">Overdue</strong>')
    if item.update and item.update.is_late:
        parts.append(' <strong class="govuk-tag govuk-tag--orange">Update late</strong>')
    milestones = item.overdue_milestones
    if milestones:
        parts.append(f'<br><span class="govuk-body-s">{_e(milestones)} milestone{pluralize(milestones)} overdue</span>')
    if item.reason:
        parts.append(
            '<p class="govuk-body app-narrative govuk-!-margin-top-2 govuk-!-margin-bottom-0">'
            f"<strong>Reason:</strong> {_e(item.reason)}</p>"
        )
    return "".join(parts)


@register.simple_tag
def pack_summary(item, printing=False) -> SafeString:
    """The item's summary list: plan, lead, status with its flags and reason, why returned, progress, evidence,
    direction of travel."""
    section = item.objective.section
    plan = _e(item.plan.title) + (f", {_e(section)}" if section else "")
    status_key = "Status" + (f" in {_e(item.period.label)}" if item.period else "")
    rows = [
        _row("Plan", plan),
        _row("Lead", _e(item.leads or "Not given")),
        _row(status_key, _status(item)),
    ]
    if item.is_returned:
        comment = _e(item.update.review_comment or "No comment given.")
        rows.append(_row("Returned because", comment, value_class=" app-narrative"))
    progress = _e(item.progress or "No progress counted for this quarter.")
    rows.append(_row("Progress", progress, value_class=" app-narrative"))
    if item.evidence:
        rows.append(_row("Evidence", _evidence_list(item, printing)))
    direction = f'{_trend(item)}<p class="govuk-body-s govuk-!-margin-bottom-0">{_e(item.direction)}</p>'
    rows.append(_row("Direction of travel", direction))
    return mark_safe(f'<dl class="govuk-summary-list app-pack-summary">{"".join(rows)}</dl>')  # noqa: S308 - escaped by _e


_OUTCOMES_HEAD = (
    '<thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Outcome'
    '</th><th scope="col" class="govuk-table__header">Status</th><th scope="col" class="govuk-table__header">Note</th>'
    "</tr></thead>"
)


@register.simple_tag
def pack_item_head(item, printing=False) -> SafeString:
    """The opening of an item's article: its heading (a link to the item, except in print), summary list and
    expected outcomes table. The template closes the article after what is rare (comments, escalations, proposals,
    decision forms)."""
    pk = _e(item.objective.pk)
    title = f"{_e(item.objective.ref)} {_e(item.objective.title)}"
    if not printing:
        title = f'<a class="govuk-link" href="{_e(item.url)}">{title}</a>'
    html = (
        f'<article class="app-pack-item" id="item-{pk}" aria-labelledby="item-{pk}-title">\n'
        f'  <h3 class="govuk-heading-m" id="item-{pk}-title">{title}</h3>\n'
        f"  {pack_summary(item, printing)}\n  "
    )
    if item.outcomes:
        period = f", {_e(item.period.label)}" if item.period else ""
        html += (
            '\n  <table class="govuk-table app-table--compact app-pack-outcomes">\n'
            f'    <caption class="govuk-table__caption govuk-table__caption--s">Expected outcomes{period}</caption>\n'
            f"    {_OUTCOMES_HEAD}\n"
            f'    <tbody class="govuk-table__body">{pack_outcome_rows(item)}</tbody>\n'
            "  </table>\n  "
        )
    return mark_safe(html)  # noqa: S308 - every value escaped by _e, the summary and rows by their own tags
