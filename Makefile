# One entry point per task. Every target sets up what it needs, so a fresh clone works.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test test-sqlite test-postgres lint format bench translations setup browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP) translations

translations: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d portal/translations -D messages >/dev/null

run: setup
	$(BIN)/portal migrate
	$(BIN)/portal demo --if-empty
	$(BIN)/portal serve --host $(HOST) --port $(PORT)

# Chromium from Debian's packages for the browser tests (never a downloaded browser build).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "chromium missing: browser tests will be skipped"; fi; }

test: setup browser test-sqlite test-postgres

test-sqlite: setup
	DATABASE_URL= $(BIN)/pytest

# The same suite on PostgreSQL when one is reachable (CI has one on 127.0.0.1:5432).
test-postgres: setup
	@if $(BIN)/python -m portal.cli check-db "$(PG_TEST_URL)"; then \
	  DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest -m "not browser"; \
	else echo "PostgreSQL not reachable at $(PG_TEST_URL): skipping the PostgreSQL run"; fi

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python bench/sentiment_eval.py
	$(BIN)/python bench/scoring_latency.py
	@echo "Dashboard at scale (slow, ~2 min to build 1M items): $(BIN)/python bench/metrics_bench.py"

clean:
	rm -rf $(VENV) var/test-*

messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -o portal/translations/messages.pot --no-location --project=feedback-portal . >/dev/null
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations -D messages
