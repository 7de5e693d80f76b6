# Knop: the two set-up commands are `make run` and `make test`; the rest serve them.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
TS := $(wildcard resources/translations/*.ts)
QM := $(TS:.ts=.qm)

.PHONY: run test bench soak package selftest startup translations ts-core system-runtime system-test clean

# What the bundle is built from: a change to any of it makes `make bench` build it again.
BUNDLE_SOURCES := build.spec $(shell find desktop ui sync bundling resources -type f -not -name '*.pyc' 2>/dev/null)

## make run: install what running Knop needs (client and server, no test tools), start the server with demo data and the client enrolled to it
run: system-runtime $(VENV)/.installed translations
	$(VENV)/bin/knop demo

## make test: install what the tests need as well and run the whole suite headless
test: system-test $(VENV)/.installed-dev translations
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

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

dist/knop/knop: $(VENV)/.installed-dev $(QM) $(BUNDLE_SOURCES)
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

translations: $(QM)

## make ts-core: refresh the shell's .ts sources after changing its strings (then translate them)
ts-core: $(VENV)/.installed
	$(VENV)/bin/pyside6-lupdate $(shell cat resources/translations/knop_core.sources) -no-obsolete -locations none -ts resources/translations/knop_core_da.ts resources/translations/knop_core_en.ts

resources/translations/%.qm: resources/translations/%.ts $(VENV)/.installed
	$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

system-runtime:
	@.ci/system-packages runtime

system-test:
	@.ci/system-packages test

# Running Knop needs the client and the server (make run starts both); nothing more.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e '.[server]'
	touch $@

# Tests, benchmarks and packaging add pytest, hypothesis, PyInstaller and the like.
$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install -e '.[dev]'
	touch $@

clean:
	rm -rf build dist .pytest_cache resources/translations/*.qm
