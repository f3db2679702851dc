"""Template filters for text: `shorten` cuts at a word boundary (csp.text.shorten), unlike truncatechars."""

from django import template

from csp.text import shorten as shorten_text

register = template.Library()


@register.filter
def shorten(value, limit: int) -> str:
    """{{ text|shorten:80 }}: at most 80 characters, cut between words, with an ellipsis."""
    return shorten_text("" if value is None else value, int(limit))
