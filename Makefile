# ibasho — run `make help` for the targets.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Root installs Debian packages directly; anyone else through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.DEFAULT_GOAL := help

.PHONY: help
help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-12s %s\n", $$1, $$2}'

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(PIP) install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet -e ".[test]"
	@touch $@

.PHONY: install
install: $(VENV)/.installed messages ## Create the venv and install the project

.PHONY: messages
messages: $(VENV)/.installed ## Compile the translation catalogues (locale/*/LC_MESSAGES/*.mo)
	@$(PY) -m babel.messages.frontend compile --domain "django djangojs" --directory locale --statistics 2>&1 | grep -v '^$$' || true
	@for po in locale/*/LC_MESSAGES/*.po; do [ -f "$${po%.po}.mo" ] || { echo "missing $${po%.po}.mo"; exit 1; }; done

.PHONY: browser-deps
browser-deps: ## Install Debian's chromium for the browser tests (never a downloaded browser)
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium…"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null; }
	@fc-list 2>/dev/null | grep -qi "noto.*cjk" || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends fonts-noto-cjk >/dev/null; } || true

.PHONY: pdf-deps
pdf-deps: ## Install Debian's pdftoppm (poppler) that the flyer tests render PDF pages with
	@command -v pdftoppm >/dev/null 2>&1 && dpkg -s poppler-data >/dev/null 2>&1 || { \
		echo "Installing poppler-utils…"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends poppler-utils poppler-data >/dev/null; }

INTEROP_CLIENTS := tests/interop/clients

.PHONY: interop-deps
interop-deps: ## Install the calendar clients `make interop` runs (Debian packages, npm ci)
	@missing=""; for package in python3-gi gir1.2-ical-3.0 calcurse; do \
		dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; done; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
		echo "Installing$$missing…"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@# npm ci only when the lock file changed since the last install.
	@[ $(INTEROP_CLIENTS)/node_modules/.package-lock.json -nt $(INTEROP_CLIENTS)/package-lock.json ] || \
		npm ci --prefix $(INTEROP_CLIENTS) --no-audit --no-fund --loglevel=error

.PHONY: interop
interop: $(VENV)/.installed-test messages interop-deps ## Real calendar clients read every feed and must show exactly our occurrences
	$(PY) -m pytest -m interop tests/interop $(PYTEST_ARGS)

.PHONY: demo
demo: install ## Set up from nothing, load the demo content and serve on http://127.0.0.1:8000
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py demo_admin
	@echo "サイト / Site: http://$(HOST):$(PORT)/"
	@# The task worker runs beside the server (search index, e-mail); both stop with Ctrl-C.
	@$(PY) manage.py db_worker --interval 2 & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(PY) manage.py runserver $(HOST):$(PORT)

.PHONY: test
test: $(VENV)/.installed-test messages browser-deps pdf-deps interop-deps ## Set up from nothing and run the whole suite
	$(PY) -m pytest $(PYTEST_ARGS)

.PHONY: test-fast
test-fast: $(VENV)/.installed-test messages pdf-deps interop-deps ## The suite without the real-browser tests
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

.PHONY: worker
worker: install ## Run the background task worker (e-mail, imports, periodic jobs)
	$(PY) manage.py db_worker

.PHONY: lint
lint: $(VENV)/.installed-test ## ruff and djhtml
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check templates

.PHONY: format
format: $(VENV)/.installed-test ## Format Python and templates
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djhtml templates

.PHONY: makemessages
makemessages: install ## Update locale/ja/LC_MESSAGES/django.po from the source
	$(PY) manage.py makemessages --locale ja --no-obsolete --no-location --ignore ".venv/*" --ignore "static/*"

.PHONY: smoke
smoke: install ## Production smoke test: gunicorn + PostgreSQL + Redis behind a pretend proxy
	PY=$(PY) bash docs/deploy/smoke.sh

.PHONY: stack-deps
stack-deps: ## Install Debian's nginx and openssl for `make stack`
	@command -v nginx >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1 || { \
		echo "Installing nginx and openssl…"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends nginx openssl >/dev/null; }

.PHONY: stack
stack: install stack-deps ## The deployment recipe tested: units, gunicorn, worker, scheduler, nginx, backup and restore
	PY=$(PY) bash docs/deploy/stack.sh

.PHONY: bench
BENCH_ARGS ?=
BENCH_MARKDOWN ?= bench-table.md
bench: bench-deps $(VENV)/.installed-test messages ## One benchmark table (bench/run.py; PostgreSQL and Redis running)
	$(PY) bench/run.py --markdown $(BENCH_MARKDOWN) $(BENCH_ARGS)

.PHONY: bench-deps
bench-deps: ## Install Debian's wrk for the load test of `make bench` (never a downloaded one)
	@command -v wrk >/dev/null 2>&1 || { \
		echo "Installing Debian's wrk…"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends wrk >/dev/null; }

.PHONY: clean
clean: ## Remove the venv, local databases and built files
	rm -rf $(VENV) db.sqlite3 .test-db.sqlite3* .test-media static media locale/*/LC_MESSAGES/*.mo \
		$(INTEROP_CLIENTS)/node_modules
