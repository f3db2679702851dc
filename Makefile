# Two commands for people: `make run` (set up, demo data, serve) and `make test` (set up, whole suite).
# With no DATABASE_URL / REDIS_URL the app runs on SQLite with Celery eager and files on disk.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= csp.settings.dev

# Dependencies: edit requirements.in / requirements-dev.in (direct pins with a why), then `make lock`
# compiles requirements.txt / requirements-dev.txt with every transitive pin and its sha256 hashes;
# installs refuse any file whose hash differs (--require-hashes). `make audit` checks the pins
# against the PyPI/OSV advisory database (needs that network).
.PHONY: lock audit help setup venv assets system-deps migrate demo run worker beat test lint format clean bench cluster-test

help:
	@echo "make run    - set up (venv, dependencies, assets, migrations, demo data) and serve on http://$(HOST):$(PORT)/"
	@echo "make test   - set up and run the whole suite (uses PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)"
	@echo "make worker - a Celery worker (needs REDIS_URL); make beat - the Celery beat scheduler"
	@echo "make lint   - ruff and the migrations check; make bench - the report benchmark"
	@echo "make cluster-test - nginx, 2 web, PgBouncer, 2 workers, beat and S3 on loopback, loaded and broken on purpose"

setup: venv assets

# Reinstall only when the requirement files change.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet --require-hashes -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

# GOV.UK Frontend, htmx and Sass come from the npm registry (package-lock.json pins them);
# our stylesheet is compiled from static/scss/app.scss. Nothing third-party is committed.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/app.css: node_modules/.installed static/scss/app.scss
	npm run --silent build:css

assets: static/build/app.css

# Debian packages the tests use: Chromium for browser tests, poppler for PDF pages,
# docker-compose to validate the compose file, nginx-light and pgbouncer for `make cluster-test`. Installed only when missing and when root.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v docker-compose >/dev/null || missing="$$missing docker-compose"; \
	command -v nginx >/dev/null || test -x /usr/sbin/nginx || missing="$$missing nginx-light"; \
	command -v pgbouncer >/dev/null || test -x /usr/sbin/pgbouncer || missing="$$missing pgbouncer"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Missing (browser/PDF/compose tests will skip):$$missing"; fi; \
	fi

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: setup
	$(VENV)/bin/celery -A csp worker --loglevel=INFO

beat: setup
	$(VENV)/bin/celery -A csp beat --loglevel=INFO

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

PYTEST_ARGS ?=
test: setup system-deps lint
	DJANGO_SETTINGS_MODULE=csp.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)

bench: setup
	DJANGO_SETTINGS_MODULE=csp.settings.test $(PY) reporting/benchmarks/board_report.py

# --- cluster test (issue 16): no Docker; loopback ports CLUSTER_BASE_PORT.. (default 8160..8164);
# needs PostgreSQL (a fresh CLUSTER_DB, default csp_cluster) and Redis (REDIS_URL) running.
# Its last line is `cluster-test: N passed, M failed`. docs/deployment.md "Cluster test".
cluster-test: setup system-deps
	$(PY) scripts/cluster_test.py

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules static/build staticfiles db.sqlite3 test-artifacts

# --- Scale and operations (issue 15) ---------------------------------------------------------
# make bench-scale [N=300] - national-scale page benchmark on PostgreSQL (needs DATABASE_URL; uses BENCH_DB)
# make backup [BACKUP_DIR=backups] - pg_dump -Fc of DATABASE_URL plus a tar of the media folder
# make restore BACKUP=backups/<stamp> - restores both (the database is replaced)
# make surge [SURGE_SECONDS=120] - quarter-end mixed load with locust against gunicorn on loopback
.PHONY: bench-scale backup restore surge
N ?= 300
BENCH_DB ?= csp_bench
BACKUP_DIR ?= backups
SURGE_SECONDS ?= 120

bench-scale: setup
	N=$(N) BENCH_DB=$(BENCH_DB) $(PY) scripts/bench_scale.py --partnerships $(N)

backup: setup
	$(PY) scripts/backup.py backup --out $(BACKUP_DIR)

restore: setup
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=backups/<stamp>"; exit 2; }
	$(PY) scripts/backup.py restore $(BACKUP)

surge: setup
	BENCH_DB=$(BENCH_DB) $(PY) scripts/surge/run.py --seconds $(SURGE_SECONDS)

LOCK_FLAGS := --generate-hashes --python-version 3.11 --python-platform x86_64-manylinux_2_28 --no-header
lock: venv
	$(PIP) install --quiet uv
	$(VENV)/bin/uv pip compile $(LOCK_FLAGS) requirements.in -o requirements.txt
	$(VENV)/bin/uv pip compile $(LOCK_FLAGS) requirements-dev.in -o requirements-dev.txt

audit: venv
	$(PIP) install --quiet pip-audit
	$(VENV)/bin/pip-audit --require-hashes --disable-pip -r requirements.txt
	$(VENV)/bin/pip-audit --require-hashes --disable-pip -r requirements-dev.txt
