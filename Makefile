# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: demo test lint typecheck unit bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamp files make the install idempotent: they are redone only when pyproject.toml changes.
$(VENV)/.demo-installed: pyproject.toml | $(BIN)/python
	$(PIP) -e '.[demo]'
	@touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(PIP) -e '.[test,all]'
	# The conformance oracle: Go OPA v1.20.2 embedded, test-only (its metadata claims Python >= 3.12).
	$(PIP) --no-deps --ignore-requires-python opa-golib-python-bindings==0.4.4
	@touch $@ $(VENV)/.demo-installed

demo: $(VENV)/.demo-installed
	$(BIN)/plaudit demo

test: $(VENV)/.test-installed lint typecheck unit

lint: $(VENV)/.test-installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports

typecheck: $(VENV)/.test-installed
	$(BIN)/mypy

unit: $(VENV)/.test-installed
	$(BIN)/pytest -n 2 -q

bench: $(VENV)/.test-installed
	$(BIN)/python benchmarks/scan_sql.py
	$(BIN)/python benchmarks/classification_accuracy.py
	$(BIN)/python benchmarks/classification_accuracy.py --labels tests/catalog/labels_blind
	$(BIN)/python benchmarks/policy_eval.py
	$(BIN)/python benchmarks/check.py
	$(BIN)/python benchmarks/report_render.py

clean:
	rm -rf $(VENV) plaudit-demo .pytest_cache .mypy_cache .ruff_cache
