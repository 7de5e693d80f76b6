# Knop: the two set-up commands are `make run` and `make test`; the rest serve them.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PO := $(wildcard resources/locale/*/LC_MESSAGES/knop.po)
MO := $(PO:.po=.mo)

.PHONY: run test lint bench soak package selftest startup translations catalogue system-runtime system-test clean

# What the bundle is built from: a change to any of it makes `make bench` build it again.
BUNDLE_SOURCES := build.spec $(shell find desktop ui sync bundling resources -type f -not -name '*.pyc' 2>/dev/null)

## make run: install what running Knop needs (client and server, no test tools), start the server with demo data and the client enrolled to it
run: system-runtime $(VENV)/.installed translations
	$(VENV)/bin/knop demo

## make test: install what the tests need as well, lint, and run the whole suite headless
test: system-test $(VENV)/.installed-dev translations lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

## make lint: ruff (rules in pyproject.toml) and mypy (strict on desktop/core and sync/protocol)
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check desktop sync ui tests
	$(VENV)/bin/mypy

## make bench: the benchmarks at a municipality's size, the bundle's start-up among them (built if missing or stale)
bench: system-test $(VENV)/.installed-dev translations dist/knop/knop
	QT_QPA_PLATFORM=offscreen KNOP_BUNDLE_DIR=$(CURDIR)/dist/knop $(PY) -m tests.bench $(BENCH_ARGS)

## make soak: 300 simulated devices on the server with PostgreSQL for 10 minutes; memory and latency must stay flat, every operation applied once (SOAK_ARGS="--minutes 3")
soak: $(VENV)/.installed-dev
	$(PY) -m tests.soak $(SOAK_ARGS)

## make package: build the one-folder bundle for IT in dist/knop, always afresh
package: $(VENV)/.installed-dev translations
	$(VENV)/bin/pyinstaller --noconfirm --clean build.spec
	@du -sh dist/knop

dist/knop/knop: $(VENV)/.installed-dev $(MO) $(BUNDLE_SOURCES)
	$(VENV)/bin/pyinstaller --noconfirm --clean build.spec
	@touch $@

## make selftest: build the bundle, run its --version and --self-test, then drive it end to end (tests/deploy/test_bundle_e2e.py)
selftest: system-test package
	QT_QPA_PLATFORM=offscreen dist/knop/knop --version
	QT_QPA_PLATFORM=offscreen dist/knop/knop --self-test
	KNOP_BUNDLE_DIR=$(CURDIR)/dist/knop QT_QPA_PLATFORM=offscreen $(PY) -m pytest -p no:cacheprovider tests/deploy -k bundle

## make startup: the frozen app's start time beside a bare PySide6 window, several ways
startup: $(VENV)/.installed-dev dist/knop/knop
	$(PY) -m tests.deploy.startup --bundle dist/knop

## make translations: compile the catalogue of sentences (resources/locale/*/LC_MESSAGES/knop.po) to .mo
translations: $(MO)

## make catalogue: re-extract the sentences from the code into both .po files (then translate the Danish)
catalogue: $(VENV)/.installed
	$(PY) -m tests.catalogue

resources/locale/%/LC_MESSAGES/knop.mo: resources/locale/%/LC_MESSAGES/knop.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile --domain=knop --input-file=$< --output-file=$@

system-runtime:
	@.ci/system-packages runtime

system-test:
	@.ci/system-packages test

# Running Knop needs the client and the server (make run starts both), and Babel to
# compile the catalogue of sentences from source; nothing more.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e '.[server,catalogue]'
	touch $@

# Tests, benchmarks and packaging add pytest, hypothesis, PyInstaller and the like.
$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install -e '.[dev]'
	touch $@

clean:
	rm -rf build dist .pytest_cache resources/locale/*/LC_MESSAGES/*.mo
