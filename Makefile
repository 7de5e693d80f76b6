# Knop: the two set-up commands are `make run` and `make test`; the rest serve them.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PO := $(wildcard resources/locale/*/LC_MESSAGES/knop.po)
MO := $(PO:.po=.mo)

.PHONY: run test lint bench soak package selftest startup translations catalogue system-runtime system-test clean

## make run: install everything, start the server with demo data and the client enrolled to it
run: system-runtime $(VENV)/.installed translations
	$(VENV)/bin/knop demo

## make test: install what the tests need, lint, and run the whole suite headless
test: system-test $(VENV)/.installed translations lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

## make lint: ruff (rules in pyproject.toml) and mypy (strict on desktop/core and sync/protocol)
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check desktop sync ui tests
	$(VENV)/bin/mypy

bench: $(VENV)/.installed translations
	QT_QPA_PLATFORM=offscreen $(PY) -m tests.bench $(BENCH_ARGS)

## make soak: 300 simulated devices on the server with PostgreSQL for 10 minutes; memory and latency must stay flat, every operation applied once (SOAK_ARGS="--minutes 3")
soak: $(VENV)/.installed
	$(PY) -m tests.soak $(SOAK_ARGS)

package: $(VENV)/.installed translations
	$(VENV)/bin/pyinstaller --noconfirm --clean build.spec
	@du -sh dist/knop

## make selftest: build the bundle, then run its --version and --self-test offscreen
selftest: package
	QT_QPA_PLATFORM=offscreen dist/knop/knop --version
	QT_QPA_PLATFORM=offscreen dist/knop/knop --self-test
	KNOP_BUNDLE_DIR=$(CURDIR)/dist/knop QT_QPA_PLATFORM=offscreen $(PY) -m pytest -p no:cacheprovider tests/deploy -k bundle

## make startup: the frozen app's start time beside a bare PySide6 window
startup: package
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

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e '.[dev]'
	touch $@

clean:
	rm -rf build dist .pytest_cache resources/locale/*/LC_MESSAGES/*.mo
