# twitchcheck: `make run` and `make test` work on a fresh machine (they create .venv/ first).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# torch is named explicitly so that pip takes the local CPU wheel, never a CUDA build from the index.
DEV_PIP := torch==2.13.0 -e ".[dev,semantic]"

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

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

system-deps:
	scripts/system-deps.sh

# The suite runs on SQLite and on a throwaway PostgreSQL, with the optional semantic matcher on;
# then the free-text tests run again with it off.
unit: $(VENV)/.installed-dev system-deps
	scripts/with-postgres.sh $(BIN)/pytest -q
	TWITCHCHECK_SEMANTIC=0 $(BIN)/pytest -q tests/test_nlp.py tests/test_parse_eval.py tests/test_semantic.py tests/test_cli.py

test: lint typecheck unit

kb-check: $(VENV)/.installed
	$(BIN)/twitchcheck kb check

eval: $(VENV)/.installed
	$(BIN)/twitchcheck eval vignettes/dev.yaml

bench: $(VENV)/.installed-dev system-deps
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache bench-results.json
