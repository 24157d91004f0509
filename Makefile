# retail-assets: one command per thing a newcomer needs. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PYTEST ?= $(BIN)/pytest
MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := $(shell find dbt_project -name '*.sql' -o -name '*.yml' -o -name '*.yaml' | grep -v '/target/')
export RETAIL_DATA_DIR ?= $(CURDIR)/data
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export PATH := $(CURDIR)/$(BIN):$(PATH)
# One planned event per asset for a ranged run, not one per asset and day (retail_assets/__init__.py).
export DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS ?= 1

# $(call pip_install,VENV,ARGS): install ARGS into VENV with uv, or with pip if uv is not to be had.
define pip_install
	($(1)/bin/pip install --quiet "uv==$(UV_VERSION)" && $(1)/bin/uv pip install --quiet --python $(1)/bin/python $(2)) \
		|| (echo "uv failed: installing with pip" >&2 && $(1)/bin/pip install --quiet $(2))
endef

.PHONY: install test test-deps lint demo demo-real ingest dev portal bench browser dagster-home clean reliability

install: $(VENV)/.installed $(VENV)/.compiled $(MANIFEST)

# Re-install only when the dependency list changes. Bytecode is compiled at
# install time: this machine sets PYTHONDONTWRITEBYTECODE, and without .pyc
# files every Dagster process spends seconds re-compiling imports.
# Packages come through uv (~15 s instead of pip's ~70 s on a fresh clone; same versions), with pip as
# the fallback if uv cannot be installed or fails. UV_NATIVE_TLS: the machine's certificates, as pip's.
UV_VERSION := 0.13.9
export UV_NATIVE_TLS ?= 1
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(call pip_install,$(VENV),-e '.[dev]')
	touch $@

# Apart from the install, so that make -j (test-deps) compiles while dbt parses the manifest.
$(VENV)/.compiled: $(VENV)/.installed
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib retail_assets > /dev/null || true
	touch $@

# The dbt manifest is built here, never committed: Dagster reads it to define the gold
# assets. Parsed in a private folder and renamed into place (retail_assets/gold/project.py),
# so a code location loading meanwhile never reads half a file; runs' dbt writes elsewhere.
$(MANIFEST): $(VENV)/.installed $(DBT_SOURCES)
	$(BIN)/python -c "from retail_assets.gold.project import prepare_manifest; prepare_manifest(force=True)"
	touch $@

# Three workers on 2 cores: the longest files (dagster dev in ui/, two CLI backfills queued on
# one pool slot, dbt subprocesses) spend much of their time waiting on ticks and other
# processes, and a third worker fills that time. A test file stays on one worker, so a
# module's shared fixture (a dagster dev server, a built warehouse) is built once.
# --no-loadscope-reorder: xdist otherwise re-sorts files by their number of tests, which sent the
# longest single-test files (two CLI backfills, ~3 min) last, to run alone at the end; the order
# comes from conftest.py's LONGEST_FIRST instead.
# make lint runs beside the tests (~20 s of one core) and fails `make test` as before; its output is
# printed after pytest's.
test: test-deps
	mkdir -p tmp
	@$(MAKE) --no-print-directory lint > tmp/lint.log 2>&1 & lint=$$!; \
	$(PYTEST) --basetemp=tmp/pytest -n 3 --dist loadfile --no-loadscope-reorder -rs; status=$$?; \
	if wait $$lint; then tail -n 2 tmp/lint.log; else cat tmp/lint.log; echo "make lint failed" >&2; exit 1; fi; \
	exit $$status

# On a fresh clone both virtualenvs and chromium are installed side by side (-j3): pip is
# mostly download, unpack and wait, and the two venvs are independent (~40 s less than in turn).
test-deps:
	@$(MAKE) --no-print-directory -j3 install $(LINT_VENV)/.installed browser

# ruff for Python; sqlfluff with the dbt templater for the dbt models. sqlfluff lives in its own
# venv: it caps click below what Dagster needs, and the dbt templater needs dbt-core beside it.
LINT_VENV := .venv-lint
lint: install $(LINT_VENV)/.installed
	$(BIN)/ruff check retail_assets retail_assets_tests bench
	cd dbt_project && RETAIL_DUCKDB_PATH=:memory: DBT_TARGET_PATH=target/lint ../$(LINT_VENV)/bin/sqlfluff lint models --disable-progress-bar --nocolor

$(LINT_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(LINT_VENV)
	$(call pip_install,$(LINT_VENV),"sqlfluff==3.5.0" "sqlfluff-templater-dbt==3.5.0" "dbt-core==1.11.16" "dbt-duckdb==1.11.1")
	touch $@

# The browser tests drive Debian's chromium through Playwright (Playwright's own browser
# download needs the internet). Installed once with apt-get when missing (~30 s, 0.5 GB).
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null)
	@test -x $(CHROMIUM) || (echo "chromium is missing at $(CHROMIUM) and apt-get could not install it" >&2; exit 1)

# Synthetic data run through the whole graph on DuckDB: landing -> bronze -> silver
# -> gold (make ingest), then the ML group once, then the reports. 90 days, not 30: the churn model's
# honest evaluation needs two 14-day label windows after an 8-week feature window.
DEMO_DAYS ?= 90
demo: install dagster-home
	$(BIN)/python -m retail_assets.synthetic.generate --landing $(RETAIL_DATA_DIR)/landing --days $(DEMO_DAYS)
	$(BIN)/python -m retail_assets.ingest
	$(BIN)/dagster asset materialize -m retail_assets.definitions --select 'group:ml' > $(RETAIL_DATA_DIR)/ml_run.log 2>&1 \
		|| (tail -40 $(RETAIL_DATA_DIR)/ml_run.log; exit 1)
	@echo "ML: tables ml.* in $(RETAIL_DATA_DIR)/warehouse.duckdb, model under $(RETAIL_DATA_DIR)/artifacts/ (log: $(RETAIL_DATA_DIR)/ml_run.log)"
	$(BIN)/dagster asset materialize -m retail_assets.definitions --select 'group:reports' > $(RETAIL_DATA_DIR)/reports_run.log 2>&1 \
		|| (tail -40 $(RETAIL_DATA_DIR)/reports_run.log; exit 1)
	@echo "Reports: CSV exports and the dashboard in $(RETAIL_DATA_DIR)/reports/ (open sales_dashboard.html in a browser)"
	@echo "Browse it all: make dev, then http://127.0.0.1:3000"

# The real Online Retail exports (a UK online shop's sales lines only: no customer, product, store,
# stock or staff files) through the whole graph, in their own data root so they never mix with the
# synthetic demo: landing -> gold (make ingest's one run), the ML group, the reports, then where it all
# is and the model's headline numbers. About 2 minutes on 2 cores.
REAL_EXPORTS ?= $(CURDIR)/../shared/data/online-retail $(CURDIR)/../shared/data/online-retail-history
REAL_DATA_DIR ?= $(CURDIR)/data-real
demo-real: install dagster-home
	mkdir -p $(REAL_DATA_DIR)/landing
	cp $(foreach d,$(REAL_EXPORTS),$(d)/*.csv) $(REAL_DATA_DIR)/landing/
	RETAIL_DATA_DIR=$(REAL_DATA_DIR) $(BIN)/python -m retail_assets.ingest
	RETAIL_DATA_DIR=$(REAL_DATA_DIR) $(BIN)/dagster asset materialize -m retail_assets.definitions --select 'group:ml' \
		> $(REAL_DATA_DIR)/ml_run.log 2>&1 || (tail -40 $(REAL_DATA_DIR)/ml_run.log; exit 1)
	RETAIL_DATA_DIR=$(REAL_DATA_DIR) $(BIN)/dagster asset materialize -m retail_assets.definitions --select 'group:reports' \
		> $(REAL_DATA_DIR)/reports_run.log 2>&1 || (tail -40 $(REAL_DATA_DIR)/reports_run.log; exit 1)
	RETAIL_DATA_DIR=$(REAL_DATA_DIR) $(BIN)/python -m retail_assets.ml.headline

# Whatever is in the landing zone now, processed exactly as the sensor would.
ingest: install dagster-home
	$(BIN)/python -m retail_assets.ingest

# The reliability suite (retail_assets_tests/reliability/): every part writes a JSON summary into
# RELIABILITY_RESULTS, and report.py prints them as one table (cases, outcomes, rows in and accounted
# for, nothing lost). Its fast part also runs in make test, as ordinary tests.
RELIABILITY_RESULTS := tmp/reliability
reliability: install
	rm -rf $(RELIABILITY_RESULTS) && mkdir -p $(RELIABILITY_RESULTS)
	RETAIL_RELIABILITY_RESULTS=$(CURDIR)/$(RELIABILITY_RESULTS) $(BIN)/pytest retail_assets_tests/reliability \
		--basetemp=tmp/pytest-reliability -p no:cacheprovider --tb=short -q -rs; status=$$?; \
	$(BIN)/python -m retail_assets_tests.reliability.report $(RELIABILITY_RESULTS) && exit $$status

# Medians of repeated runs; performance claims in notes come from here, never from tests.
bench: install
	mkdir -p tmp
	$(BIN)/python bench/run.py

dev: install dagster-home
	$(BIN)/dagster dev -h 127.0.0.1 -p 3000

# The upload portal for shop managers and tills (README, "Upload portal") on 127.0.0.1:RETAIL_PORTAL_PORT
# (default 8040). It lands files for landing_file_sensor (make dev) or make ingest to process; it will not
# start without RETAIL_PORTAL_TOKEN in the environment.
portal: install
	$(BIN)/python -m retail_assets.portal

# The instance, with the warehouse pool's limit set explicitly (visible in the UI's
# Deployment > Concurrency page and `dagster instance concurrency get` before any run).
# Once per instance (a file target): the Dagster CLI costs seconds of imports per call.
dagster-home: $(DAGSTER_HOME)/dagster.yaml

$(DAGSTER_HOME)/dagster.yaml: | $(VENV)/.installed
	mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $@
	$(BIN)/dagster instance concurrency set warehouse_writes 1 > /dev/null || (rm -f $@; exit 1)

clean:
	rm -rf tmp .pytest_cache
