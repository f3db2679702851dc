"""Form widgets written in Python where Django's widget templates cost a page a noticeable share of its time."""

from __future__ import annotations

from django import forms
from django.utils.safestring import SafeString, mark_safe

from .markup import escape


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"` for each attribute, ` name` for True, nothing for False."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    """Django's select, rendered without its templates: the same markup as django/forms/widgets/select.html and
    select_option.html give (tests/csp/test_widgets.py compares them), with every value escaped.

    Through the templates each option is an include of its own: the review dashboard's eight filter selects
    (about 70 options) took 13% of the page's time. The options themselves still come from Django
    (`get_context`: choices, the selected value, optgroups), so behaviour is Django's; only the writing is here.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{escape(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{escape(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value escaped
