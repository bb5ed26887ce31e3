# The two commands of the README. Both set up a virtual environment from pyproject.toml first.
VENV ?= .venv
PYTHON ?= python3
PW := $(VENV)/bin/pw

.PHONY: install demo test bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

install: $(VENV)/.installed

# The sample branch in records/: its records of 2026Q3, then a check of every file.
demo: install
	$(PW) --today 2026-11-26 list --period 2026Q3
	$(PW) --today 2026-11-26 check

test: install
	$(VENV)/bin/python -m pytest -q

clean:
	rm -rf $(VENV) build dist .pytest_cache
