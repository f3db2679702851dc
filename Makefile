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

.PHONY: help setup venv assets system-deps migrate demo run worker beat test lint format clean bench

help:
	@echo "make run    - set up (venv, dependencies, assets, migrations, demo data) and serve on http://$(HOST):$(PORT)/"
	@echo "make test   - set up and run the whole suite (uses PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)"
	@echo "make worker - a Celery worker (needs REDIS_URL); make beat - the Celery beat scheduler"
	@echo "make lint   - ruff and the migrations check; make bench - the report benchmark"

setup: venv assets

# Reinstall only when the requirement files change.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
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
# docker-compose to validate the compose file. Installed only when missing and when root.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v docker-compose >/dev/null || missing="$$missing docker-compose"; \
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

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules static/build staticfiles db.sqlite3 test-artifacts
