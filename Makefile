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
THRIFT_HOST ?= 127.0.0.1

export DBT_PROFILES_DIR := $(CURDIR)/profiles

EXPORT_FORMAT ?= parquet
EXPORT_DIR ?= exports

.PHONY: install setup data build docs demo test test-fast lint format serve stop report clean \
	docs-serve export browser blas bench bench-quick

# The venv and native BLAS: what every target needs.
install: $(VENV)/.installed blas

# Plus the class archive, which pays for itself only where many Spark JVMs start
# (the test suite: ~30; the benchmark): ~75 s to make, ~7 s saved per JVM start.
# `make demo` starts two, so it skips it.
setup: install $(VENV)/.class-archive

# Reinstall only when the dependency pins change.
$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

# Spark's classes mapped from an archive: every later Spark JVM starts ~8 s sooner
# (python -m marketing_analytics.bench.jvm_start). Not fatal: Spark starts without it.
$(VENV)/.class-archive: $(VENV)/.installed
	$(PY) -m marketing_analytics.class_archive || echo "no class archive: Spark starts without it"
	touch $@

# The synthetic company: deterministic and fast, so it is simply rewritten.
data: install
	$(PY) -m marketing_analytics generate --customers $(DEMO_CUSTOMERS) --days $(DEMO_DAYS) \
		--seed $(DEMO_SEED) --out $(DEMO_DATA)

build: data
	$(PY) -m marketing_analytics dbt build --data $(DEMO_DATA) \
		$(if $(PUBLIC_DATA),--public-data $(PUBLIC_DATA))

# target/index.html (served by docs-serve) and target/static_index.html (one file,
# opens from disk). The catalog lists only the project's schemas.
docs: install
	$(PY) -m marketing_analytics dbt "docs generate" --data $(DEMO_DATA) \
		$(if $(PUBLIC_DATA),--public-data $(PUBLIC_DATA)) --static

demo: build docs report
	@$(PY) -m marketing_analytics summary --docs-port $(DOCS_PORT) --thrift-port $(THRIFT_PORT)

# Two workers (pytest-xdist); the tests of one shared build stay on one worker
# (tests/python/conftest.py). The 15 slowest tests are listed at the end of every
# run (and of every CI log).
test: setup lint
	$(BIN)/pytest -q --durations=15 -n 2 --dist loadgroup

test-fast: install
	$(BIN)/pytest -q -m "not slow"

lint: install
	$(BIN)/ruff check src tests python_models
	$(BIN)/ruff format --check src tests python_models
	$(BIN)/sqlfluff lint models analyses

format: install
	$(BIN)/ruff format src tests python_models
	$(BIN)/ruff check --fix src tests python_models
	$(BIN)/sqlfluff fix models

serve: install
	$(PY) -m marketing_analytics serve --host $(THRIFT_HOST) --port $(THRIFT_PORT)

stop: install
	$(PY) -m marketing_analytics stop

# The docs site of `make docs` on http://127.0.0.1:$(DOCS_PORT)/ (background, `make stop`).
docs-serve: install
	$(PY) -m marketing_analytics docs-serve --port $(DOCS_PORT)

# Self-contained HTML report from the marts (reads the warehouse files, no Spark).
report: install
	$(PY) -m marketing_analytics report --out reports/index.html

# The public marts as files for tools that read Parquet/CSV (no Spark either).
export: install
	$(PY) -m marketing_analytics export --format $(EXPORT_FORMAT) --out $(EXPORT_DIR)

# Native BLAS/LAPACK for MLlib (it falls back to Java BLAS without libblas.so.3):
# the Debian OpenBLAS package when root, else a one-line hint.
blas:
	@if ldconfig -p 2>/dev/null | grep -q 'libblas\.so\.3 '; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			libopenblas0-pthread >/dev/null; \
	else echo "native BLAS missing (MLlib uses Java BLAS): install libopenblas0-pthread"; fi

# Headless Chromium (Debian package) for the tests of the docs site and the report.
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	elif command -v sudo >/dev/null 2>&1; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "chromium missing: install the Debian package chromium for the browser tests"; fi

clean:
	rm -rf target logs .spark data

# Benchmark of the customer-day grid (not part of `make test`): N customers x 365 days
# for each N in BENCH_CUSTOMERS; writes docs/benchmarks.md and docs/benchmarks.json.
BENCH_CUSTOMERS ?= 10000 50000 100000
BENCH_REPEATS ?= 3

bench: setup
	$(PY) -m marketing_analytics bench --customers $(BENCH_CUSTOMERS) --repeats $(BENCH_REPEATS)

# A tiny smoke run of the same harness (writes data/bench/benchmarks.md).
bench-quick: setup
	$(PY) -m marketing_analytics bench --quick
# Known vulnerabilities of the pinned dependencies (optional). pip-audit is not a
# project dependency and needs network access to its vulnerability database
# (PyPI / OSV): offline it cannot run, and this target says so instead of failing.
.PHONY: audit
audit: install
	@if $(PY) -m pip_audit --version >/dev/null 2>&1; then \
		$(PY) -m pip_audit --requirement constraints.txt --no-deps --disable-pip; \
	else \
		echo "pip-audit is not installed: $(PY) -m pip install pip-audit (needs network)"; \
	fi
