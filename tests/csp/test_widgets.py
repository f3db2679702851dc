"""csp.widgets.Select writes the same markup as Django's select templates, escaping included."""

from __future__ import annotations

import pytest
from django import forms

from csp.models import Agency, Partnership
from csp.widgets import Select

CASES = [
    pytest.param([("", "All"), ("a", "A & B"), ("b", '<b>"quoted"</b>')], "a", {"class": "govuk-select"}, id="escaped"),
    pytest.param(
        [("", "All"), (1, "One"), (2, "Two")],
        2,
        {"class": "govuk-select", "required": True, "disabled": False, "aria-describedby": "x-error"},
        id="boolean-attrs",
    ),
    pytest.param(
        [("Group <1>", [(1, "One"), (2, "Two")]), ("Group 2", [(3, "Three")]), (4, "Four")],
        3,
        {"id": "id_x"},
        id="optgroups",
    ),
    pytest.param([("", "None")], None, {}, id="nothing-chosen"),
    pytest.param([], None, {}, id="no-choices"),
]


@pytest.mark.parametrize(("choices", "value", "attrs"), CASES)
def test_the_select_writes_what_djangos_templates_write(choices, value, attrs):
    expected = forms.Select(attrs=attrs, choices=choices).render('name<"x">', value)
    assert Select(attrs=attrs, choices=choices).render('name<"x">', value) == expected


@pytest.mark.django_db
def test_a_model_choice_field_renders_the_same_through_it():
    partnership = Partnership.objects.create(name="Widgetshire CSP", slug="widgetshire")
    agencies = [Agency.objects.create(partnership=partnership, name=name) for name in ("Police & Crime", "<Fire>")]

    class Form(forms.Form):
        theirs = forms.ModelChoiceField(Agency.objects.order_by("name"), empty_label="All", required=False)
        ours = forms.ModelChoiceField(Agency.objects.order_by("name"), empty_label="All", required=False, widget=Select)

    form = Form(data={"theirs": agencies[1].pk, "ours": agencies[1].pk})
    html = str(form["ours"])
    assert html == str(form["theirs"]).replace("theirs", "ours")
    assert "&lt;Fire&gt;" in html
    assert "Police &amp; Crime" in html
    assert f'<option value="{agencies[1].pk}" selected>' in html
