# SafetyNet — two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEV_ENV := SAFETYNET_ENV=development SAFETYNET_DEMO=1

.PHONY: run setup test test-sqlite test-postgres test-browser lint typecheck messages bench bench-intake clean chromium

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

run: setup
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput -v0
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	@# Reference figures for researchers (NCRB 2018, CTDC's synthetic dataset; shipped in safetynet/research/data/).
	$(DEV_ENV) $(BIN)/python manage.py load_reference_data --ncrb-2018 safetynet/research/data/ncrb2018 >/dev/null
	$(DEV_ENV) $(BIN)/python manage.py load_ctdc_reference --ncrb-2018 safetynet/research/data/ncrb2018 >/dev/null
	@echo ""
	@echo "SafetyNet is at http://$(HOST):$(PORT)/  — stop it with Ctrl+C."
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT) --noreload

# Debian packages the tests need: chromium for the browser tests (Playwright never downloads
# a browser here), Noto fonts so Bengali and Devanagari render, gettext for the catalogues.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v xgettext >/dev/null 2>&1 \
	    || ! fc-list 2>/dev/null | grep -qi NotoSansBengali || ! command -v java >/dev/null 2>&1; then \
	  echo "installing chromium, fonts-noto-core, gettext and a Java runtime (Spark) from Debian"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    chromium fonts-noto-core gettext default-jre-headless >/dev/null; fi

# Every test, on SQLite, browser tests included.
test: setup chromium lint
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=safetynet.settings_test >/dev/null
	$(BIN)/pytest

# The same suite on a fresh PostgreSQL database (127.0.0.1:5432, trust auth by default).
PG_URL ?= postgres://postgres@127.0.0.1:5432/safetynet_ci_$(shell date +%s)_$$$$
test-postgres: setup chromium
	DATABASE_URL=$(PG_URL) $(BIN)/pytest

test-browser: setup chromium
	$(BIN)/pytest -m browser

lint: setup
	$(BIN)/ruff check safetynet scripts bench
	$(BIN)/mypy safetynet

messages: setup
	cd safetynet && ../$(BIN)/django-admin makemessages -l hi -l bn -l ne --ignore 'tests/*' --ignore conftest.py && ../$(BIN)/django-admin compilemessages

bench: setup
	$(BIN)/python bench/seed_scale.py

# Tip intake under gunicorn on PostgreSQL (50 clients, restarts mid-run); see docs/benchmarks.md.
bench-intake: setup
	$(BIN)/python bench/tip_intake.py

clean:
	rm -rf $(VENV) var test-output .pytest_cache .mypy_cache .ruff_cache
