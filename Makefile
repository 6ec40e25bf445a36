# The two commands: `make run` (demo town at http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint setup test-tools system-packages system-test-packages messages migrate seed clean

run: setup messages
	$(BIN)/python manage.py migrate --noinput
	@# A database with other data is left alone: the sentence says why, the server starts anyway.
	-$(BIN)/python manage.py seed_demo
	@# Saves are indexed as they happen; this fills the index of a database that predates it.
	$(BIN)/python manage.py rebuild_index --if-empty
	@echo "Ratsinfo läuft auf http://$(HOST):$(PORT)/  (beenden mit Strg+C)"
	@# The background worker (text extraction and other queued work) runs beside the server
	@# and stops with it; queued work waits in the database until the next start.
	$(BIN)/python manage.py run_worker --verbosity 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup test-tools messages lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

setup: system-packages $(VENV)/.installed

system-packages:
	@sh deploy/install-system-packages.sh

# Browser tests: Debian's Chromium and axe-core from package-lock.json (docs/testing.md).
test-tools: system-test-packages node_modules/.installed

system-test-packages:
	@sh deploy/install-system-packages.sh --test

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

messages: setup
	$(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0

clean:
	rm -rf $(VENV) var node_modules
