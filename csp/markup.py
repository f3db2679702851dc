"""Markup written in Python for the few repeated pieces where Django's templates cost most of a page's time
(the meeting pack's items, the filter selects): one escaper for all of them."""

from __future__ import annotations

from html import escape as _html_escape


def escape(value) -> str:
    """What Django's `conditional_escape` gives, without its lazy-string wrapper (which made `format_html` cost as
    much as the template it replaced): markup marked safe as is, anything else as text with &<>"' escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return _html_escape(str(value), quote=True)
