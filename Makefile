# twitchcheck: `make run` and `make test` work on a fresh machine (they create .venv/ first).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# torch (pgmpy's dependency, dev only) is named so that pip takes the local CPU wheel, never a CUDA build.
DEV_PIP := torch==2.13.0 -e ".[dev]"

.PHONY: run test lint typecheck unit bench eval kb-check system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q $(DEV_PIP)
	touch $@ $(VENV)/.installed

# The web app on http://127.0.0.1:8000 with SQLite (TWITCHCHECK_DATABASE_URL for PostgreSQL).
run: $(VENV)/.installed
	$(BIN)/twitchcheck serve --host 127.0.0.1 --port 8000

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports --no-cache

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

system-deps:
	scripts/system-deps.sh

# The suite runs on SQLite and on a throwaway PostgreSQL.
unit: $(VENV)/.installed-dev system-deps
	scripts/with-postgres.sh $(BIN)/pytest -q

test: lint typecheck unit

kb-check: $(VENV)/.installed
	$(BIN)/twitchcheck kb check

eval: $(VENV)/.installed
	$(BIN)/twitchcheck eval vignettes/dev.yaml

bench: $(VENV)/.installed-dev system-deps
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache bench-results.json
