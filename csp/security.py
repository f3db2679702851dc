"""Security headers and the client's address behind trusted proxies (issue 10; docs/security.md)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CSP_HEADER = "Content-Security-Policy"


def client_ip_address(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the entry CSP_TRUSTED_PROXY_COUNT from the right of X-Forwarded-For.

    Each of our proxies appends the address it received the request from, so the last N entries
    were written by proxies we trust and the N-th from the right is the client; anything left of
    it came from the client and is ignored. Too few entries means the request did not come
    through all our proxies: then the connecting address is used.
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote_addr
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote_addr
    return forwarded[-proxies]


def policy_header(policy: dict[str, list[str]]) -> str:
    """The header value of a policy given as {directive: [sources]}."""
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Adds settings.CONTENT_SECURITY_POLICY to every response that has none of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if CSP_HEADER not in response:
            response[CSP_HEADER] = policy_header(settings.CONTENT_SECURITY_POLICY)
        return response


def csp_update(**extra: list[str]) -> Callable:
    """Decorate a view to add sources to directives of the policy (style_src=[...] for style-src)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            policy = {directive: list(sources) for directive, sources in settings.CONTENT_SECURITY_POLICY.items()}
            for name, sources in extra.items():
                directive = name.replace("_", "-")
                policy[directive] = [*policy.get(directive, policy["default-src"]), *sources]
            response[CSP_HEADER] = policy_header(policy)
            return response

        return wrapped

    return decorator


def sign_in_attempts_left(request: HttpRequest, username: str) -> int | None:
    """How many failed sign-ins are left before the lockout (per username or address, whichever is nearer).

    None when lockouts are off. Read from django-axes' own attempt records after a failure.
    """
    if not getattr(settings, "AXES_ENABLED", True):
        return None
    from axes.handlers.proxy import AxesProxyHandler

    failures = AxesProxyHandler.get_failures(request, {"username": username})
    return max(settings.AXES_FAILURE_LIMIT - failures, 0)
