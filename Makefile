# twitchcheck: `make run` and `make test` work on a fresh machine (they create .venv/ first).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# torch is named explicitly so that pip takes the local CPU wheel, never a CUDA build from the index.
DEV_PIP := torch==2.13.0 -e ".[dev,semantic]"

.PHONY: run test lint typecheck unit bench eval kb-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q $(DEV_PIP)
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/twitchcheck start

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

# The suite runs with the optional semantic matcher on, then the free-text tests again with it off.
unit: $(VENV)/.installed-dev
	$(BIN)/pytest -q
	TWITCHCHECK_SEMANTIC=0 $(BIN)/pytest -q tests/test_nlp.py tests/test_parse_eval.py tests/test_semantic.py tests/test_cli.py

test: lint typecheck unit

kb-check: $(VENV)/.installed
	$(BIN)/twitchcheck kb check

eval: $(VENV)/.installed
	$(BIN)/twitchcheck eval vignettes/dev.yaml

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache bench-results.json
