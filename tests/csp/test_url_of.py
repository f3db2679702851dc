"""`url_of` (csp/links.py) and `{% url_of %}` write exactly what `reverse` and `{% url %}` write."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix

from csp.links import url_of

NAMES = [
    "plans:objective_edit",
    "plans:objective_strike",
    "plans:objective_leads",
    "plans:objective_archive",
    "plans:objective_move",
    "plans:section_edit",
    "plans:section_move",
    "plans:plan_detail",
    "plans:meeting_detail",
    "plans:objective_detail",
    "plans:action_edit",
    "plans:action_done",
    "plans:evidence_download",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pk", [1, 7, 42, 987654, 2**31 - 1])
def test_url_of_is_reverse(name, pk):
    assert url_of(name, pk) == reverse(name, args=[pk])


def test_the_tag_matches_the_url_tag_in_a_template():
    rendered = Template("{% load csp_urls %}{% url_of 'plans:objective_edit' pk %}|{% url 'plans:objective_edit' pk %}")
    first, second = rendered.render(Context({"pk": 12})).split("|")
    assert first == second == "/plans/objectives/12/edit/"


def test_a_script_prefix_is_kept():
    """Served under a sub-path (SCRIPT_NAME), the URL carries it, as reverse's does."""
    set_script_prefix("/csp/")
    try:
        assert (
            url_of("plans:objective_edit", 5)
            == reverse("plans:objective_edit", args=[5])
            == "/csp/plans/objectives/5/edit/"
        )
    finally:
        set_script_prefix("/")


def test_an_id_that_is_not_a_number_is_refused():
    with pytest.raises((TypeError, ValueError)):
        url_of("plans:objective_edit", "5/../../admin")
