"""The PCC report gives resources in words and 'Not costed' instead of £0.00; titles are cut between words."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from csp.text import shorten
from reporting.services import report_request
from tests.reporting.conftest import pdf_text


@pytest.fixture
def pcc_job(partnership, make_member, report_plan, django_capture_on_commit_callbacks):
    surgeries = report_plan.objectives["2.1"]
    surgeries.resources = "Existing resources / officer time\nExternal funding streams"
    surgeries.save()
    user = make_member(partnership, "analyst")
    with django_capture_on_commit_callbacks(execute=True):
        job = report_request(user=user, kind="pcc", plan=report_plan.plan, period=report_plan.h1)
    job.refresh_from_db()
    return job


def test_pcc_report_says_not_costed_where_no_cost_figure_is_given(pcc_job):
    text = pdf_text(pcc_job)
    # ASB: 2.1 gives its cost in words ('Officer time'); 2.2, the only figure, is struck.
    assert "Anti-social behaviour Not costed" in text
    assert "Total for 2 Anti-social behaviour Not costed" in text
    assert "£0.00" not in text  # nor for spend: "Not reported"
    assert "Anti-social behaviour Not costed Not reported" in text
    assert "Officer time" in text
    assert "Plan total £3,700.50" in text


def test_pcc_report_gives_resources_in_words(pcc_job):
    assert "Existing resources / officer time; External funding streams" in pcc_job.html_snapshot
    assert "Not given" in pcc_job.html_snapshot  # objectives with no resources say so


def test_an_objective_with_neither_figure_nor_words_is_not_costed(pcc_job, report_plan, partnership, make_member):
    surgeries = report_plan.objectives["2.1"]
    surgeries.cost_text = ""
    surgeries.save()
    from reporting.rendering import report_templates

    _document, body = report_templates(pcc_job)
    row = body.split("Hold quarterly ASB surgeries")[1].split("</tr>")[0]
    assert "Not costed" in row


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Short title", 80, "Short title"),
        ("Run a domestic abuse awareness campaign", 25, "Run a domestic abuse…"),
        ("Work with partners, schools and colleges", 20, "Work with partners…"),
        ("Supercalifragilisticexpialidocious", 10, "Supercali…"),
        ("  spaces\n and   lines ", 80, "spaces and lines"),
    ],
)
def test_shorten_cuts_between_words_with_an_ellipsis(text, limit, expected):
    assert shorten(text, limit) == expected
    assert len(shorten(text, limit)) <= limit


def test_long_objective_titles_are_never_cut_mid_word(report_plan):
    objective = report_plan.objectives["1.1"]
    objective.title = "Deliver the domestic abuse awareness campaign in every secondary school and college in town"
    short = objective.short_title
    assert short.endswith("…")
    assert len(short) <= 80
    assert objective.title.startswith(short[:-1])
    assert objective.title[len(short) - 1] == " "  # the cut falls on a space


def test_the_shorten_filter_cuts_between_words():
    rendered = Template("{% load csp_text %}{{ text|shorten:20 }}").render(
        Context({"text": "Insp Simon Tabert & Probation Jon Cowen"})
    )
    assert rendered == "Insp Simon Tabert &amp;…"
