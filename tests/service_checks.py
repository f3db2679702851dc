"""Whether tests that need a real service may skip (locally) or must fail (CI)."""

from __future__ import annotations

import os

import pytest

REQUIRE_SERVICES = os.environ.get("CSP_REQUIRE_SERVICES") == "1"


def service_missing(reason: str) -> None:
    """Skip locally, fail in CI, when a service a test needs is not there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"service required but missing: {reason}")
    pytest.skip(reason)
