"""Template context shared by every page."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from .models import AreaRole, Role
from .notifications import unread_count
from .selectors import roles_anywhere
from .sessions import session_seconds_left

SERVICE_NAME = "Community safety plans"

# (url name, label, roles that see it; None = everyone signed in).
NAVIGATION = [
    ("home", "Plans", None),
    ("plans:my_items", "My items", {Role.LEAD_OFFICER, Role.COORDINATOR}),
    ("plans:manage", "Manage plans", {Role.COORDINATOR}),
    ("plans:review_dashboard", "Review", {Role.GROUP_CHAIR, Role.COORDINATOR}),
    ("plans:escalation_list", "Escalations", {Role.GROUP_CHAIR, Role.COORDINATOR}),
    ("areas:list", "Areas", {AreaRole.AREA_ANALYST}),
    ("reporting:report_list", "Reports", {Role.ANALYST, Role.COORDINATOR, Role.GROUP_CHAIR, AreaRole.AREA_ANALYST}),
    ("indicators:list", "Indicators", None),
    ("coordinator:people_home", "People", {Role.COORDINATOR}),
    ("coordinator:audit_home", "Audit", {Role.COORDINATOR}),
    ("csp:api_tokens", "API tokens", None),
    ("csp:two_factor", "Two-factor sign-in", None),
]


@lru_cache(maxsize=8)
def _navigation_urls(urlconf: str, script_prefix: str) -> tuple[tuple[str, str, str, set | None], ...]:
    """(url name, url, label, roles) of each item whose page exists: reversed once per URL configuration
    (they cannot change while it stays the same), not a dozen times on every page."""
    found = []
    for name, label, wanted in NAVIGATION:
        try:
            found.append((name, reverse(name, urlconf=urlconf), label, wanted))
        except NoReverseMatch:
            continue
    return tuple(found)


def _navigation(request) -> list[dict]:
    # The same per-request role lookup as every access decision (csp.selectors.roles_by_partnership).
    roles = roles_anywhere(request.user)
    items = []
    urlconf = getattr(request, "urlconf", None) or get_urlconf() or settings.ROOT_URLCONF
    for name, url, label, wanted in _navigation_urls(urlconf, get_script_prefix()):
        if wanted is not None and not roles & wanted:
            continue
        active = request.path == url if name == "home" else request.path.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    if request.user.is_staff:
        items.append({"url": reverse("admin:index"), "label": "Admin", "active": False})
    return items


def site(request) -> dict:
    context = {"SERVICE_NAME": SERVICE_NAME, "DEMO_MODE": settings.DEMO_MODE}
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        context["nav_items"] = _navigation(request)
        # The true time left (the expiry moves on at most once a minute): the timeout warning's clock.
        context["session_seconds_left"] = session_seconds_left(request.session)
        # One COUNT per page: the unread notifications beside the header's link.
        context["unread_notifications"] = unread_count(request.user)
        context["notifications_url"] = reverse("csp:notifications")
        context["notifications_active"] = request.path.startswith(context["notifications_url"])
    return context
