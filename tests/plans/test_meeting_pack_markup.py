"""The meeting pack's trend list and outcome rows, written by a template tag, give the markup of the template loops
they replaced, escaping included (issue 15: the pack's render time)."""

from __future__ import annotations

from types import SimpleNamespace

from django.template import engines

from plans.selectors.meetings import OutcomeLine
from plans.selectors.status import PeriodStatus
from plans.templatetags.meeting_pack import pack_outcome_rows, pack_trend

# The loops as they were in templates/plans/meetings/_pack_body.html before the tag.
TREND_LOOP = (
    '{% if item.trend_cells %}<ol class="app-trend" aria-label="Status in the last {{ item.trend_cells|length }} '
    'quarters, oldest first">{% for quarter, label, tag in item.trend_cells %}<li><span class="app-trend__quarter">'
    '{{ quarter }}</span> <strong class="govuk-tag {{ tag }}">{{ label }}</strong></li>{% endfor %}</ol>{% endif %}'
)
OUTCOME_LOOP = (
    '{% for outcome in item.outcomes %}<tr class="govuk-table__row"><td class="govuk-table__cell">'
    '{{ outcome.number }}. {{ outcome.text }}</td><td class="govuk-table__cell">'
    '<strong class="govuk-tag {{ outcome.tag_class }}">'
    '{{ outcome.status_label }}</strong></td><td class="govuk-table__cell app-narrative">{% if outcome.note %}Outcome '
    "{{ outcome.number }} ({{ outcome.status_label }}): {{ outcome.note }}{% endif %}</td></tr>{% endfor %}"
)


def _loop(source: str, item) -> str:
    return engines["django"].from_string(source).render({"item": item})


def test_the_trend_list_is_the_loops_markup_with_text_escaped():
    cells = [
        ("Q1 <2025/26>", "Green", "govuk-tag--green"),
        ("Q2 & 'co'", "Update gives no status", "govuk-tag--grey"),
        ('Q3 "x"', "Red", "govuk-tag--red"),
    ]
    item = SimpleNamespace(trend_cells=cells)
    assert str(pack_trend(item)) == _loop(TREND_LOOP, item)
    assert "&lt;2025/26&gt;" in str(pack_trend(item))
    empty = SimpleNamespace(trend_cells=[])
    assert str(pack_trend(empty)) == _loop(TREND_LOOP, empty) == ""


def test_the_outcome_rows_are_the_loops_markup_with_notes_and_text_escaped():
    outcomes = [
        OutcomeLine(number=1, text="Fewer <b>thefts</b> & 'burglaries'", status=PeriodStatus.RED, note='Late "data"'),
        OutcomeLine(number=2, text="Plain", status=PeriodStatus.GREEN, note=""),
        OutcomeLine(number=12, text="No update yet", status=PeriodStatus.NO_UPDATE, note=""),
    ]
    item = SimpleNamespace(outcomes=outcomes)
    assert str(pack_outcome_rows(item)) == _loop(OUTCOME_LOOP, item)
    assert "&lt;b&gt;thefts&lt;/b&gt; &amp; &#x27;burglaries&#x27;" in str(pack_outcome_rows(item))
    assert str(pack_outcome_rows(SimpleNamespace(outcomes=[]))) == ""
