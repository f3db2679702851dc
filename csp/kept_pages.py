"""Pages kept as fragments (csp/content_version.py): the slow part of a page, rendered once per content version.

A kept page is split in two. The parts (title, breadcrumbs, content, scripts) are rendered from small
templates with *holes* where a per-request value goes (the CSRF token, a signed owner token), and kept under
the content versions of the partnerships the page shows and whatever else they vary by (the person, the day,
the query). The shell (`includes/kept_page.html`: base.html with its header, navigation, messages and
session clock) is rendered for every request around them, with the holes filled.

The access rule runs before any kept part is read: a view asks `access_*` for its object (404 when not the
person's) and only then for the parts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from .content_version import cached_fragment, fill_holes, fragment_hole

Parts = dict[str, str]


class _WithRequest(Context):
    """A context that carries the request (`{% querystring %}` reads `context.request`, a template `request.GET`)
    without running the context processors, as a RequestContext would for each part: what they add (the
    navigation, the unread count, the user) belongs to the shell, which renders it once per request."""

    def __init__(self, request: HttpRequest, values: Mapping) -> None:
        super().__init__({**values, "request": request})
        self.request = request


def render_parts(templates: Mapping[str, str], context: Mapping, *, request: HttpRequest | None = None) -> Parts:
    """Each part ("breadcrumbs", "content", "scripts") from its template; "title" from the context's page_title.

    Pass the request only for templates that read it (`{% querystring %}`, `request.GET`), and then vary the
    kept parts by the query string.
    """
    context = {**context, "csrf_token": fragment_hole("csrf")}
    if request is None:
        parts = {name: render_to_string(template, context) for name, template in templates.items()}
    else:
        parts = {
            name: get_template(template).template.render(_WithRequest(request, context))
            for name, template in templates.items()
        }
    parts["title"] = str(context.get("page_title", ""))
    return parts


def kept_for(
    request: HttpRequest,
    name: str,
    *,
    partnership_ids: Iterable[int],
    key: Iterable[object] = (),
    build: Callable[[], Parts],
    by_query: bool = False,
    daily: bool = True,
) -> Parts:
    """A page's parts kept for this person: the one place that says what a kept page varies by.

    Call it only after the access rule has run for the page's object (a 404 comes before anything kept).
    `key` names the object (its pk, the quarter...); `by_query` adds the whole query string (pages whose
    links carry it on); `daily` adds today's date (pages that say "n days left" or "prepared on").
    """
    vary = [request.user.pk, *key]
    if by_query:
        vary.append(request.META.get("QUERY_STRING", ""))
    if daily:
        vary.append(timezone.localdate())
    # Kept until a write in one of the partnerships (or the next day, when daily).
    return cached_fragment(name, partnership_ids=partnership_ids, vary=vary, render=build)


def respond(request: HttpRequest, parts: Parts, *, status: int = 200, **holes: str) -> HttpResponse:
    """The shell around the parts, with this request's CSRF token (and any other `holes`) put in."""
    filled = {
        name: fill_holes(html, csrf=get_token(request), **holes) for name, html in parts.items() if name != "title"
    }
    return render(request, "includes/kept_page.html", {"page_title": parts.get("title", ""), **filled}, status=status)
