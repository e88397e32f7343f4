# twitchcheck: `make run` and `make test` work on a fresh machine (they create .venv/ first).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Installs come from the lock files, every package pinned with its hashes (`make lock` regenerates them):
# requirements.lock is what `make run` needs; requirements-dev.lock adds the tests, linters, hpo3 (for
# `kb check`) and pgmpy with the CPU build of torch. The project itself is then installed without dependencies.
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
PIP_COMPILE := $(BIN)/pip-compile -q --strip-extras --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links

.PHONY: run test test-fast lint typecheck unit bench eval kb-check lock system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r $(LOCK)
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(DEV_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r $(DEV_LOCK)
	$(BIN)/pip install -q --no-deps -e .
	touch $@ $(VENV)/.installed

# After changing dependencies in pyproject.toml (or the pins in requirements-dev.in): recompile both lock files.
# Pins already in a lock file are kept; `make lock PIP_COMPILE_ARGS=--upgrade` moves everything to the newest.
lock: $(VENV)/.installed-dev
	$(PIP_COMPILE) $(PIP_COMPILE_ARGS) -o $(LOCK) pyproject.toml
	$(PIP_COMPILE) $(PIP_COMPILE_ARGS) --extra dev -o $(DEV_LOCK) pyproject.toml requirements-dev.in

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

# The quick tier (about a minute of CPU): no browser, no PostgreSQL, no slow files; `make test` runs everything.
test-fast: $(VENV)/.installed-dev
	$(BIN)/pytest -q --fast -n auto

# hpo3 (the HPO ontology that `kb check` validates ids against) comes with the dev install.
kb-check: $(VENV)/.installed-dev
	$(BIN)/twitchcheck kb check

eval: $(VENV)/.installed
	$(BIN)/twitchcheck eval vignettes/dev.yaml

bench: $(VENV)/.installed-dev system-deps
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache bench-results.json
