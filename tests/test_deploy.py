"""Deployment files and production settings: checked without a Docker engine."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.service_checks import service_missing

ROOT = Path(__file__).resolve().parents[1]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean_env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="csp.settings.production", DJANGO_ALLOWED_HOSTS="x.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_pass_the_deploy_checks():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="csp.settings.production",
        DJANGO_SECRET_KEY="a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        DJANGO_ALLOWED_HOSTS="csp.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


COMPOSE_SERVICES = {
    "proxy",
    "web1",
    "web2",
    "worker-reports",
    "worker-email",
    "beat",
    "migrate",
    "db",
    "pgbouncer",
    "redis",
    "minio",
    "bucket",
}


@pytest.fixture(scope="module")
def compose() -> dict:
    """The compose file as docker-compose itself resolves it (no engine needed)."""
    if not shutil.which("docker-compose"):
        service_missing("docker-compose (Debian package) is not installed")
    result = subprocess.run(
        ["docker-compose", "config"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DJANGO_SECRET_KEY": "x"},
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


@pytest.mark.services
def test_docker_compose_file_parses_with_the_cluster_topology(compose):
    assert set(compose["services"]) == COMPOSE_SERVICES


@pytest.mark.services
def test_only_the_tls_proxy_is_published(compose):
    published = {name for name, service in compose["services"].items() if service.get("ports")}
    assert published == {"proxy"}
    assert any(str(port.get("target", port)).startswith("443") for port in compose["services"]["proxy"]["ports"])


@pytest.mark.services
@pytest.mark.parametrize("name", ["web1", "web2", "worker-reports", "worker-email", "beat"])
def test_app_instances_share_storage_and_trust_only_the_proxy(compose, name):
    environment = compose["services"][name]["environment"]
    assert environment["CSP_STORAGE"] == "s3"
    assert environment["CSP_PGBOUNCER"] == "1"
    assert "@pgbouncer:" in environment["DATABASE_URL"]
    assert environment["CSP_TRUSTED_PROXY_COUNT"] == "1"
    assert not compose["services"][name].get("volumes")  # nothing kept on an instance's own disk


@pytest.mark.services
def test_reports_and_reminders_have_their_own_workers(compose):
    assert "-Q reports " in compose["services"]["worker-reports"]["command"]
    assert "-Q email,housekeeping " in compose["services"]["worker-email"]["command"]


def test_the_proxy_overwrites_forwarded_headers_and_retries_another_instance():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf  # never the client's own list
    assert "proxy_set_header X-Forwarded-Proto https;" in conf
    assert "proxy_next_upstream error timeout http_502 http_503;" in conf
    assert "non_idempotent" not in conf  # a POST an instance started on is never replayed


def test_pgbouncer_pools_by_transaction():
    ini = (ROOT / "deploy" / "pgbouncer.ini").read_text()
    assert "pool_mode = transaction" in ini
