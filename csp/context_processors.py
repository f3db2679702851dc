"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse

# (url name, label); an entry shows once its app provides the URL.
NAVIGATION = [
    ("home", "Plans"),
    ("plans:my_items", "My items"),
    ("plans:review_dashboard", "Review"),
    ("reporting:report_list", "Reports"),
    ("csp:api_tokens", "API tokens"),
]


def _navigation(request) -> list[dict]:
    items = []
    for name, label in NAVIGATION:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        active = request.path == url if name == "home" else request.path.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    if request.user.is_staff:
        items.append({"url": reverse("admin:index"), "label": "Admin", "active": False})
    return items


def site(request) -> dict:
    context = {"SERVICE_NAME": "Community safety plans", "DEMO_MODE": settings.DEMO_MODE}
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        context["nav_items"] = _navigation(request)
    return context
