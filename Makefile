# Two commands do all set-up on a fresh Debian machine with Python 3.11:
#   make run [ARGS=--demo]   create .venv, install, open the desktop window
#   make test                create .venv with the test extra, install what the tests need, run the suite headless
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
ARGS   ?=

.PHONY: run test lint bench kit kit-check freeze deb deb-check lock lock-upgrade icons screenshots clean

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
	$(VENV)/bin/ruff check workbench tests benchmarks packaging
	$(VENV)/bin/mypy

bench: $(VENV)/.installed-test
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

screenshots: $(VENV)/.installed-run
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshots.py

# -- packaging for isolated workstations (packaging/, docs/packaging.md, the administrator's guide) ----------
# The build tools live in their own venv, installed hash-checked from packaging/lock/build.txt; pip's and uv's
# configuration on this machine is ignored so that nothing installed or configured by hand reaches the kit.
VERSION  := $(shell sed -n 's/^__version__ = "\(.*\)"$$/\1/p' workbench/__init__.py)
PKG_VENV := build/venv-packaging
PKG_PY   := $(PKG_VENV)/bin/python
KIT      := dist/workbench-kit-$(VERSION)
DEB      := dist/workbench_$(VERSION)_amd64.deb
ISOLATED := env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT -u PIP_NO_INDEX PIP_CONFIG_FILE=/dev/null
KITTOOLS := $(ISOLATED) PYTHONPATH=packaging $(PKG_PY) -m

$(PKG_VENV)/.installed: packaging/lock/build.txt
	@$(PYTHON) -c 'import sys; sys.exit("the kit is built with Python 3.11: its compiled wheels are cp311") if sys.version_info[:2] != (3, 11) else None'
	rm -rf $(PKG_VENV)
	$(PYTHON) -m venv $(PKG_VENV)
	$(ISOLATED) $(PKG_PY) -m pip install -q --disable-pip-version-check \
	    --only-binary :all: --require-hashes -r packaging/lock/build.txt
	@touch $@

lock: $(PKG_VENV)/.installed          ## regenerate packaging/lock/*.txt from pyproject.toml (keeps current pins)
	packaging/lock.sh

lock-upgrade: $(PKG_VENV)/.installed  ## the same, moving every pin to its newest release
	packaging/lock.sh --upgrade

kit: $(PKG_VENV)/.installed           ## the signed offline kit in dist/workbench-kit-VERSION/
	$(KITTOOLS) kittools.build_kit --out dist

kit-check: kit $(VENV)/.installed-test  ## build the kit, verify it, install it with no index and no network, use it
	@packaging/system-deps.sh test
	WORKBENCH_KIT=$(KIT) QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests/packaging/test_kit_built.py

freeze: kit                           ## the PyInstaller one-folder application in dist/freeze/workbench/
	@packaging/system-deps.sh package
	$(KITTOOLS) kittools.freeze --kit $(KIT) --out dist/freeze

deb: freeze                           ## the Debian package dist/workbench_VERSION_amd64.deb
	$(KITTOOLS) kittools.deb --app dist/freeze/workbench --out dist

deb-check: deb $(VENV)/.installed-test  ## start the frozen application headless, install the .deb into a scratch root
	@packaging/system-deps.sh test
	WORKBENCH_KIT=$(KIT) WORKBENCH_FROZEN=dist/freeze/workbench WORKBENCH_DEB=$(DEB) QT_QPA_PLATFORM=offscreen \
	    $(PY) -m pytest -q tests/packaging/test_frozen_and_deb.py

icons:                                ## redraw resources/icons/hicolor/*/apps/workbench.png from the SVG
	QT_QPA_PLATFORM=offscreen $(PY) packaging/make_icons.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
