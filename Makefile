# Gongzhi: `make run` serves the demo, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 4

.PHONY: run serve setup test lint pytest translations translations-update bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

translations: $(VENV)/.runtime
	$(BIN)/pybabel compile --use-fuzzy -d app/translations

## Extract marked strings and merge them into the catalogs (then translate the new ones).
translations-update: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output --project=Gongzhi -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --width 120 --no-fuzzy-matching

setup: $(VENV)/.runtime translations
	$(FLASK) db upgrade
	GONGZHI_BASE_URL=http://$(HOST):$(PORT) $(FLASK) demo
	$(FLASK) keys init

run: setup serve

serve: $(VENV)/.runtime
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) wsgi:app

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

## axe-core for the browser tests' accessibility checks, pinned by its lock file (needs Node.js and npm).
AXE := tests/e2e/axe/node_modules/axe-core/axe.min.js
$(AXE): tests/e2e/axe/package.json tests/e2e/axe/package-lock.json
	npm ci --prefix tests/e2e/axe --no-audit --no-fund --silent
	touch $@

pytest: $(VENV)/.dev translations $(AXE)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint pytest

## Every benchmark and one summary table (BENCH_ARGS=--quick for smaller sizes, --database-url for PostgreSQL).
bench: $(VENV)/.dev translations
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
