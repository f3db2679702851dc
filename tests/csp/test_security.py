"""Security headers and the client's address behind trusted proxies (csp/security.py)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from csp.security import client_ip_address


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "10.0.0.1"),
        (0, "203.0.113.7", "10.0.0.1"),
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "192.0.2.1, 203.0.113.7", "203.0.113.7"),
        (2, "192.0.2.1, 203.0.113.7, 10.1.1.1", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.1"),
        (1, "", "10.0.0.1"),
    ],
)
def test_the_client_address_is_read_past_the_trusted_proxies_only(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip_address(request) == expected


@pytest.fixture
def page_headers(client, django_user_model, db):
    response = client.get("/accounts/login/")
    return response


def test_every_page_has_a_content_security_policy_without_inline_script(page_headers):
    policy = page_headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))

    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


def test_pages_have_no_inline_script_or_style(page_headers):
    page = page_headers.content.decode()

    assert "<script>" not in page
    assert "<style" not in page
    assert " onclick=" not in page


def test_every_page_has_a_permissions_policy(page_headers):
    policy = page_headers["Permissions-Policy"]

    for feature in ("camera=()", "geolocation=()", "microphone=()", "payment=()"):
        assert feature in policy


def test_api_responses_carry_the_policy_too(client, db):
    assert "script-src 'self'" in client.get("/api/plans/")["Content-Security-Policy"]


@pytest.mark.parametrize("name", ["swagger-ui", "redoc"])
def test_the_api_documentation_relaxes_styles_only(admin_client, name):
    from django.urls import reverse

    policy = admin_client.get(reverse(name))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))

    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["script-src"] == "'self'"


def test_the_swagger_page_loads_its_set_up_script_from_a_file(admin_client):
    from django.urls import reverse

    page = admin_client.get(reverse("swagger-ui")).content.decode()

    assert "<script>" not in page
    assert admin_client.get(reverse("swagger-ui") + "?script=").status_code == 200


def production_setting(name: str, **env: str) -> str:
    """A production setting's value as Python prints it, with these environment variables."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    clean_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CSP_"))}
    clean_env.update(
        DJANGO_SETTINGS_MODULE="csp.settings.production",
        DJANGO_SECRET_KEY="a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        DJANGO_ALLOWED_HOSTS="csp.example.org",
        **env,
    )
    code = f"import django; django.setup(); from django.conf import settings; print(repr(getattr(settings, {name!r})))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_production_ignores_forwarded_headers_without_a_proxy():
    assert production_setting("SECURE_PROXY_SSL_HEADER") == "None"
    assert production_setting("USE_X_FORWARDED_HOST") == "False"


def test_production_trusts_forwarded_headers_behind_a_configured_proxy():
    header = production_setting("SECURE_PROXY_SSL_HEADER", CSP_TRUSTED_PROXY_COUNT="1")

    assert header == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert production_setting("USE_X_FORWARDED_HOST", CSP_TRUSTED_PROXY_COUNT="1") == "True"


def test_production_ssl_redirect_can_be_left_to_the_proxy():
    assert production_setting("SECURE_SSL_REDIRECT") == "True"
    assert production_setting("SECURE_SSL_REDIRECT", DJANGO_SECURE_SSL_REDIRECT="0") == "False"


def test_no_page_template_has_inline_script_style_or_event_handlers():
    """The policy refuses them; this catches a template that would silently lose behaviour or styling."""
    import re
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "templates"
    # E-mails and PDFs are not web pages (no policy applies); the Redoc page has its own policy.
    exempt = ("email", "pdf", "drf_spectacular")
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=\"|\son[a-z]+=", re.IGNORECASE)
    offenders = [
        f"{path.relative_to(templates)}: {match.group(0)}"
        for path in templates.rglob("*.html")
        if not set(path.relative_to(templates).parts) & set(exempt)
        for match in inline.finditer(path.read_text(encoding="utf-8"))
    ]

    assert offenders == []
