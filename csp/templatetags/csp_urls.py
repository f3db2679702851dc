"""`{% url_of name pk %}`: `{% url name pk %}` for the rows of a long list (csp/links.py says why)."""

from __future__ import annotations

from django import template

from csp.links import url_of

register = template.Library()
register.simple_tag(url_of, name="url_of")
