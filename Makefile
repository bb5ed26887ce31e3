# The two commands of the README. Both set up a virtual environment from pyproject.toml first.
VENV ?= .venv
PYTHON ?= python3
PW := $(VENV)/bin/pw

.PHONY: install demo test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

install: $(VENV)/.installed

# The sample branch in records/: every file checked, then its report for 2026Q3.
demo: install
	$(PW) --today 2026-11-26 check
	$(PW) --today 2026-11-26 report quarter 2026Q3 --format table

test: install
	$(VENV)/bin/python -m pytest -q

# ruff's rules and formatter, and mypy with pyproject.toml's [tool.mypy]: what CI runs before the tests.
lint: install
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts
	$(VENV)/bin/mypy src

clean:
	rm -rf $(VENV) build dist .pytest_cache

# SPEC §11's budgets, each beside its baseline (builds repos of up to 100,000 records once, in /tmp).
bench: install
	$(VENV)/bin/python benchmarks/run.py
