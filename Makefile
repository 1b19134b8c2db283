# KeBen — two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: venv run test lint types pytest pytest-pg bench sysdeps packagedeps package clean screenshots

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

# System libraries and a CJK font that Qt needs on a bare Linux (no-op elsewhere or when present).
sysdeps:
	@sh scripts/linux-deps.sh

# What building the installers needs besides the venv (binutils, NSIS's makensis; no-op when present).
packagedeps:
	@sh scripts/package-deps.sh

run: venv sysdeps
	$(PY) main.py

lint: venv
	$(PY) -m ruff check .

types: venv
	$(PY) -m mypy

pytest: venv
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

# The service and CLI suites again on PostgreSQL (团队模式): tests/pg.py starts a throwaway server
# on loopback (initdb + pg_ctl into a temp folder; Debian's postgresql package, from sysdeps).
pytest-pg: venv sysdeps
	QT_QPA_PLATFORM=offscreen KEBEN_TEST_DB=postgres $(PY) -m pytest -q tests/services $(wildcard tests/test_cli*.py)

test: venv sysdeps packagedeps lint types pytest pytest-pg

# Speed and memory at 100,000 customers; the Excel figures are measured beside python-calamine
# (reading only) and pandas (writing), which requirements-bench.txt brings in.
bench: venv sysdeps
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	QT_QPA_PLATFORM=offscreen $(PY) bench/bench.py
	$(PY) bench/bench_excel.py
	$(PY) bench/bench_import.py
	$(PY) bench/bench_layers.py
	$(PY) bench/bench_loyalty.py
	$(PY) bench/bench_pg.py

screenshots: venv sysdeps
	$(PY) main.py --data-dir screenshots-tmp demo --customers 3000
	QT_QPA_PLATFORM=offscreen $(PY) main.py --data-dir screenshots-tmp screenshot --out docs/screenshots

# The installed app for this machine (installer/build.py): the bundle dist/KeBen, then this platform's
# installer (.deb on Linux, KeBen-Setup-<version>.exe on Windows, .dmg on macOS); prints their sizes.
package: venv sysdeps packagedeps
	$(PY) -m installer.build

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache screenshots-tmp build dist
