"""Links to each row of a long list: `url_of(name, pk)` is `reverse(name, args=[pk])`, without the resolver.

Django's `reverse` walks the URL resolver on every call (about 30 microseconds here, more with translation
on): the plan editor linked each of a national plan's 150 objectives five to eight times, and reversing took
half of the page's time. A URL whose one argument is an integer id differs between rows only in that id, so
it is reversed once per URL configuration with a stand-in id and the row's id is put in its place.
Templates: `{% load csp_urls %}{% url_of 'plans:objective_edit' objective.pk %}`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, partial

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

STAND_IN = 987654321987  # an id no table reaches, so it appears in the reversed URL only where the id goes


@lru_cache(maxsize=256)
def _around_id(name: str, urlconf: str, script_prefix: str) -> tuple[str, str]:
    """The URL's text before and after its id, reversed once."""
    url = reverse(name, args=[STAND_IN], urlconf=urlconf)
    before, found, after = url.rpartition(str(STAND_IN))
    if not found:
        raise ValueError(f"{name} does not put its argument in its path")
    return before, after


def url_of(name: str, pk: int) -> str:
    """The same text as `reverse(name, args=[pk])` for a URL whose only argument is an integer id."""
    before, after = _around_id(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    return f"{before}{int(pk)}{after}"


def url_of_id(name: str) -> Callable[[int], str]:
    """`name`'s URL maker for the rows of a page: `url_of_id("plans:objective_detail")(pk)`."""
    return partial(url_of, name)
