"""The meeting pack's item heading, summary, trend list and outcome rows, written by template tags, give the markup of
the template code they replaced, escaping included (issue 15: the pack's render time)."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import engines

from plans.selectors.meetings import OutcomeLine
from plans.selectors.status import PeriodStatus
from plans.templatetags.meeting_pack import pack_item_head, pack_outcome_rows, pack_summary, pack_trend

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


# The summary list as it was in templates/plans/meetings/_pack_body.html before the tag (kept beside this test).
SUMMARY_TEMPLATE = "{% load meeting_pack %}" + (Path(__file__).parent / "pack_summary_before.html").read_text()

# Whitespace next to block-level tags does not show; whitespace between inline ones (a space between two tags) does.
_BLOCK = r"</?(?:dl|dt|dd|div|p|ul|li|br)\b[^>]*>"


def _normalised(html: str) -> str:
    html = re.sub(r"\s+", " ", str(html))
    return re.sub(rf"\s*({_BLOCK})\s*", r"\1", html).strip()


def _item(**changes):
    update = SimpleNamespace(is_late=False, review_comment="")
    item = {
        "objective": SimpleNamespace(section="2 <Safer> streets"),
        "plan": SimpleNamespace(title="Plan & 'priorities'"),
        "leads": "Police <ASB team>",
        "period": SimpleNamespace(label="Q2 2025/26"),
        "status_tag_class": "govuk-tag--red",
        "status_label": "Red",
        "is_returned": False,
        "awaits_review": False,
        "update": update,
        "counted": True,
        "is_overdue": False,
        "overdue_milestones": 0,
        "reason": 'Funding "late" <again>',
        "progress": "Two of three <b>done</b>.",
        "evidence": [],
        "trend_cells": [("Q1 2025/26", "Green", "govuk-tag--green"), ("Q2 2025/26", "Red", "govuk-tag--red")],
        "direction": "Getting worse",
    }
    item.update(changes)
    return SimpleNamespace(**item)


FILES = [
    SimpleNamespace(download_url="/evidence/1/", filename="minutes <draft>.pdf", size=2048),
    SimpleNamespace(download_url="/evidence/2/?a=1&b=2", filename="photo.jpg", size=3_500_000),
]
SUMMARY_CASES = {
    "red with a reason": _item(),
    "returned with a comment": _item(
        is_returned=True, counted=False, update=SimpleNamespace(is_late=True, review_comment="Add <dates>")
    ),
    "returned without a comment": _item(is_returned=True, counted=False, reason="", progress=""),
    "waiting for review, overdue": _item(awaits_review=True, is_overdue=True, overdue_milestones=1),
    "draft not counted": _item(counted=False, reason="", progress="", overdue_milestones=2),
    "no update, no period, no section, no lead": _item(
        update=None,
        counted=False,
        period=None,
        objective=SimpleNamespace(section=None),
        leads="",
        reason="",
        progress="",
        trend_cells=[],
        direction="Not enough quarters with a status",
    ),
    "evidence": _item(evidence=FILES),
}


@pytest.mark.parametrize("printing", [False, True], ids=["page", "printing"])
@pytest.mark.parametrize("case", list(SUMMARY_CASES), ids=list(SUMMARY_CASES))
def test_the_summary_list_is_the_templates_markup_with_text_escaped(case, printing):
    item = SUMMARY_CASES[case]
    expected = engines["django"].from_string(SUMMARY_TEMPLATE).render({"item": item, "printing": printing})
    assert _normalised(pack_summary(item, printing)) == _normalised(expected)


def test_the_summary_list_escapes_what_people_wrote():
    html = str(pack_summary(SUMMARY_CASES["evidence"], False))
    assert "Police &lt;ASB team&gt;" in html
    assert "2 &lt;Safer&gt; streets" in html
    assert "Funding &quot;late&quot; &lt;again&gt;" in html
    assert "minutes &lt;draft&gt;.pdf" in html
    assert "<b>" not in html


# The opening of an item's article as it was in templates/plans/meetings/_pack_body.html before `pack_item_head`.
ITEM_HEAD_TEMPLATE = """{% load meeting_pack %}<article class="app-pack-item" id="item-{{ item.objective.pk }}" \
aria-labelledby="item-{{ item.objective.pk }}-title">
  <h3 class="govuk-heading-m" id="item-{{ item.objective.pk }}-title">{% if printing %}{{ item.objective.ref }} \
{{ item.objective.title }}{% else %}<a class="govuk-link" href="{{ item.url }}">{{ item.objective.ref }} \
{{ item.objective.title }}</a>{% endif %}</h3>
  {% pack_summary item printing %}
  {% if item.outcomes %}
  <table class="govuk-table app-table--compact app-pack-outcomes">
    <caption class="govuk-table__caption govuk-table__caption--s">Expected outcomes{% if item.period %}, \
{{ item.period.label }}{% endif %}</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Outcome\
</th><th scope="col" class="govuk-table__header">Status</th><th scope="col" class="govuk-table__header">Note</th></tr>\
</thead>
    <tbody class="govuk-table__body">{% pack_outcome_rows item %}</tbody>
  </table>
  {% endif %}"""


def _head_item(**changes):
    objective = SimpleNamespace(pk=42, ref="1.3 <a>", title="Reduce 'repeat' victims & \"harm\"", section="2 Streets")
    outcomes = [OutcomeLine(number=1, text="Fewer <repeats>", status=PeriodStatus.AMBER, note="Slow & late")]
    fields = {"objective": objective, "url": "/plans/objectives/42/?from=pack&x=<1>", "outcomes": outcomes}
    return _item(**{**fields, **changes})


HEAD_CASES = {
    "outcomes": _head_item(),
    "outcomes, no period": _head_item(period=None),
    "no outcomes": _head_item(outcomes=[]),
}


@pytest.mark.parametrize("printing", [False, True], ids=["page", "printing"])
@pytest.mark.parametrize("case", list(HEAD_CASES), ids=list(HEAD_CASES))
def test_the_item_head_is_the_templates_markup_to_the_character(case, printing):
    item = HEAD_CASES[case]
    expected = engines["django"].from_string(ITEM_HEAD_TEMPLATE).render({"item": item, "printing": printing})
    assert str(pack_item_head(item, printing)) == expected


def test_the_item_head_escapes_the_ref_title_and_address():
    html = str(pack_item_head(HEAD_CASES["outcomes"], False))
    assert "1.3 &lt;a&gt; Reduce &#x27;repeat&#x27; victims &amp; &quot;harm&quot;" in html
    assert 'href="/plans/objectives/42/?from=pack&amp;x=&lt;1&gt;"' in html
    assert "Fewer &lt;repeats&gt;" in html
    printed = str(pack_item_head(HEAD_CASES["outcomes"], True))
    assert "<a " not in printed.split("</h3>")[0]
