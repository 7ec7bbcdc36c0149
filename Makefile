# marketing_analytics: dbt + Apache Spark marketing analytics.
# Quickstart: `make demo` then `make test`. Everything installs into .venv from PyPI.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

DEMO_CUSTOMERS ?= 5000
DEMO_DAYS ?= 365
DEMO_SEED ?= 42
DEMO_DATA ?= data/demo
PUBLIC_DATA ?=
DOCS_PORT ?= 8080
THRIFT_PORT ?= 10000

export DBT_PROFILES_DIR := $(CURDIR)/profiles

.PHONY: setup data build docs demo test test-fast lint format serve stop report clean

setup: $(VENV)/.installed

# Reinstall only when the dependency pins change.
$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

# The synthetic company (regenerated only when the generator or the scale changes).
data: setup $(DEMO_DATA)/manifest.json

$(DEMO_DATA)/manifest.json: $(shell find src/marketing_analytics/generator -name '*.py' 2>/dev/null)
	$(PY) -m marketing_analytics generate --customers $(DEMO_CUSTOMERS) --days $(DEMO_DAYS) \
		--seed $(DEMO_SEED) --out $(DEMO_DATA)

build: data
	$(PY) -m marketing_analytics dbt build --data $(DEMO_DATA) \
		$(if $(PUBLIC_DATA),--public-data $(PUBLIC_DATA))

docs: setup
	$(PY) -m marketing_analytics dbt "docs generate" --data $(DEMO_DATA) \
		$(if $(PUBLIC_DATA),--public-data $(PUBLIC_DATA))

demo: build docs
	@$(PY) -m marketing_analytics summary

test: setup lint
	$(BIN)/pytest -q

test-fast: setup
	$(BIN)/pytest -q -m "not slow"

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/sqlfluff lint models analyses

format: setup
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests
	$(BIN)/sqlfluff fix models

serve: setup
	$(PY) -m marketing_analytics serve --port $(THRIFT_PORT)

stop: setup
	$(PY) -m marketing_analytics stop

clean:
	rm -rf target logs .spark data

# Known vulnerabilities of the pinned dependencies (optional). pip-audit is not a
# project dependency and needs network access to its vulnerability database
# (PyPI / OSV): offline it cannot run, and this target says so instead of failing.
.PHONY: audit
audit: setup
	@if $(PY) -m pip_audit --version >/dev/null 2>&1; then \
		$(PY) -m pip_audit --requirement constraints.txt --no-deps --disable-pip; \
	else \
		echo "pip-audit is not installed: $(PY) -m pip install pip-audit (needs network)"; \
	fi
