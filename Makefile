# Two commands do all set-up on a fresh Debian machine with Python 3.11:
#   make run [ARGS=--demo]   create .venv, install, open the desktop window
#   make test                create .venv with the test extra, install what the tests need, run the suite headless
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
ARGS   ?=

.PHONY: run test lint bench kit kit-check screenshots clean

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit("workbench needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e '.[test]'
	@touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	@packaging/system-deps.sh run
	$(VENV)/bin/workbench $(ARGS)

test: $(VENV)/.installed-test
	@packaging/system-deps.sh test
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n 2 -q

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check workbench tests benchmarks
	$(VENV)/bin/mypy

bench: $(VENV)/.installed-test
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

screenshots: $(VENV)/.installed-run
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshots.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
