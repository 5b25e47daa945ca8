# Two commands for a newcomer: `make demo` and `make test`.
# Both create a virtual environment in .venv and install kentassets into it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= demo-output

.PHONY: demo test test-fast lint bench bench-national clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

## Build every output from the synthetic sample estate into $(OUT)/
demo: $(VENV)/.installed
	$(BIN)/kentassets demo --out $(OUT)

## Run the whole test suite (about 10 minutes on 2 cores; browser tests need Debian's chromium, database tests PostgreSQL 15 with PostGIS)
test: $(VENV)/.installed
	$(BIN)/python -m pytest

## The quick loop while developing: slow tests left out (about 4 minutes)
test-fast: $(VENV)/.installed
	$(BIN)/python -m pytest -m "not slow"

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/mypy
	$(BIN)/lint-imports

## Benchmarks (run on demand; they print their figures)
bench: $(VENV)/.installed
	for b in benchmarks/bench_*.py; do \
	  [ $$b = benchmarks/bench_national.py ] || $(BIN)/python $$b || exit 1; done

## The national build (1,000,000 assets, every English district): tens of minutes
bench-national: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_national.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
