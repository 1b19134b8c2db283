# KeBen — two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: venv run test lint types pytest bench sysdeps clean screenshots

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

# System libraries and a CJK font that Qt needs on a bare Linux (no-op elsewhere or when present).
sysdeps:
	@sh scripts/linux-deps.sh

run: venv sysdeps
	$(PY) main.py

lint: venv
	$(PY) -m ruff check .

types: venv
	$(PY) -m mypy

pytest: venv
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

test: venv sysdeps lint types pytest

# Speed and memory at 100,000 customers; the Excel figures are measured beside python-calamine
# (reading only) and pandas (writing), which requirements-bench.txt brings in.
bench: venv sysdeps
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	QT_QPA_PLATFORM=offscreen $(PY) bench/bench.py
	$(PY) bench/bench_excel.py
	$(PY) bench/bench_import.py
	$(PY) bench/bench_layers.py

screenshots: venv sysdeps
	$(PY) main.py --data-dir screenshots-tmp demo --customers 3000
	QT_QPA_PLATFORM=offscreen $(PY) main.py --data-dir screenshots-tmp screenshot --out docs/screenshots

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache screenshots-tmp
