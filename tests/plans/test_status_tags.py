"""The status tags (plans/templatetags/plan_status.py): the markup every page shows beside a status, from one place.

`includes/rag_tag.html` and `includes/status_reason.html` call the tags, so a page that includes them and a page
that calls the tags directly (the review dashboard's rows) write the same HTML.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template import Context, Template


class _Related(list):
    def all(self):
        return self


def _outcome_status(number: int, rag_status: str, note: str):
    return SimpleNamespace(outcome=SimpleNamespace(number=number), rag_status=rag_status, note=note)


def _update(rag_note: str, *statuses):
    return SimpleNamespace(rag_note=rag_note, outcome_statuses=_Related(statuses))


def _tag(status, update) -> str:
    return Template("{% load plan_status %}{% status_reason status update %}").render(
        Context({"status": status, "update": update})
    )


def _include(status, update) -> str:
    return Template('{% include "includes/status_reason.html" %}').render(Context({"status": status, "update": update}))


REASONED = _update(
    "Two <b>refuges</b> & a helpline closed",
    _outcome_status(1, "red", "Fewer places <than> planned"),
    _outcome_status(2, "green", ""),
    _outcome_status(3, "amber", "Waiting list"),
)


def test_a_red_status_shows_its_reason_and_the_outcome_notes_escaped():
    assert _tag("red", REASONED) == (
        '<div class="app-reason govuk-body-s">\n'
        '  <p class="govuk-body-s govuk-!-margin-bottom-1"><strong>Reason:</strong> '
        "Two &lt;b&gt;refuges&lt;/b&gt; &amp; a helpline closed</p>\n"
        '  <ul class="govuk-list govuk-body-s govuk-!-margin-bottom-0">\n'
        "    <li>Outcome 1 (Red): Fewer places &lt;than&gt; planned</li><li>Outcome 3 (Amber): Waiting list</li>\n"
        "  </ul>\n"
        "</div>"
    )


def test_an_amber_status_without_a_reason_says_so_and_lists_no_outcomes():
    assert _tag("amber", _update("")) == (
        '<div class="app-reason govuk-body-s">\n'
        '  <p class="govuk-body-s govuk-!-margin-bottom-1"><strong>Reason:</strong> No reason given.</p>\n'
        "  \n"
        "</div>"
    )


def test_outcomes_without_notes_give_no_empty_list():
    update = _update("Staff shortages", _outcome_status(1, "red", ""), _outcome_status(2, "amber", ""))
    assert _tag("red", update) == (
        '<div class="app-reason govuk-body-s">\n'
        '  <p class="govuk-body-s govuk-!-margin-bottom-1"><strong>Reason:</strong> Staff shortages</p>\n'
        "  \n"
        "</div>"
    )


@pytest.mark.parametrize("status", ["green", "no_update", "no_status", "", None])
def test_other_statuses_and_no_update_show_no_reason(status):
    assert _tag(status, REASONED) == ""
    assert _tag("red", None) == ""


@pytest.mark.parametrize(("status", "update"), [("red", REASONED), ("amber", _update("")), ("green", REASONED)])
def test_the_include_is_the_tag(status, update):
    assert _include(status, update) == f"\n{_tag(status, update)}\n"


@pytest.mark.parametrize(
    ("state", "colour"),
    [
        ("draft", "govuk-tag--light-blue"),
        ("submitted", "govuk-tag--blue"),
        ("returned", "govuk-tag--orange"),
        ("approved", "govuk-tag--green"),
        ("not_started", "govuk-tag--grey"),
        (None, "govuk-tag--grey"),
    ],
)
def test_an_update_state_is_words_with_colour_as_a_second_cue_and_the_include_is_the_tag(state, colour):
    context = {"state": state, "label": "Waiting <for> review"}
    tag = Template("{% load plan_status %}{% update_state_tag state label %}").render(Context(context))
    assert tag == f'<strong class="govuk-tag app-status {colour}">Waiting &lt;for&gt; review</strong>'
    included = Template('{% include "plans/updates/_state_tag.html" %}').render(Context(context))
    assert included.strip() == tag
