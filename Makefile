# Two commands for a newcomer: `make run` (the monthly job on the embedded default) and
# `make test`. Both start with `make install`, which is quick when nothing has changed.

SHELL := /bin/bash
PYTHON ?= python3.11
UV_VERSION := 0.13.8
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The embedded default: SQLite warehouse and Airflow metadata, all under the project.
export AIRFLOW_HOME := $(CURDIR)/var/airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__PLUGINS_FOLDER := $(CURDIR)/plugins
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export WORKFORCE_LANDING_ROOT ?= $(CURDIR)/landing
export WORKFORCE_OUTPUT_ROOT ?= $(CURDIR)/output

# The sample council and the month `make run` processes (a run on 5 April reports March).
SAMPLE_AUTHORITY := NWT
SAMPLE_START := 2023-04
HISTORY_END := 2025-02
SAMPLE_END := 2025-03
RUN_DATE := 2025-04-05

.PHONY: install system-check run sample history airflow airflow-db test test-celery lint docs clean bench

install: $(STAMP)

$(STAMP): pyproject.toml uv.lock | system-check
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv sync --frozen --quiet
	@touch $@

system-check:
	@bash scripts/check-system.sh $(PYTHON)

sample: install
	@test -d $(WORKFORCE_LANDING_ROOT)/$(SAMPLE_AUTHORITY)/$(SAMPLE_END) || \
		$(BIN)/workforce sample --out $(WORKFORCE_LANDING_ROOT) --authority $(SAMPLE_AUTHORITY) --end $(SAMPLE_END)

# The months before the one `make run` processes, imported as a new installation would
# import its history (unchanged months are not reloaded), so trends and rolling measures
# have their 12 and 24 months.
# The sample's warehouse is a development one: without WORKFORCE_PSEUDONYM_KEY its loads use
# the development key (a live warehouse refuses them: docs/operations.md).
history: sample
	@mkdir -p var && $(BIN)/workforce db upgrade --development > var/db-upgrade.log 2>&1 || \
		{ cat var/db-upgrade.log; exit 1; }
	@echo "Importing the sample history $(SAMPLE_START) to $(HISTORY_END) (log: var/history.log)..."
	@$(BIN)/workforce load --extracts $(WORKFORCE_LANDING_ROOT) --authority $(SAMPLE_AUTHORITY) \
		--period $(SAMPLE_START) --to $(HISTORY_END) --kpis > var/history.log 2>&1 || \
		{ tail -20 var/history.log; exit 1; }

airflow-db: install
	@mkdir -p $(AIRFLOW_HOME)
	@$(BIN)/airflow db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1 || \
		{ cat $(AIRFLOW_HOME)/db-migrate.log; exit 1; }

run: history airflow-db
	@echo "Running workforce_monthly for $(SAMPLE_END) through Airflow (log: var/airflow/dags-test.log)..."
	@$(BIN)/airflow dags test workforce_monthly $(RUN_DATE) --conf '{"authority": "$(SAMPLE_AUTHORITY)"}' > $(AIRFLOW_HOME)/dags-test.log 2>&1 || \
		{ tail -50 $(AIRFLOW_HOME)/dags-test.log; exit 1; }
	@grep -q "DagRun Finished.*state=success" $(AIRFLOW_HOME)/dags-test.log || \
		{ tail -50 $(AIRFLOW_HOME)/dags-test.log; echo "The DAG run did not succeed."; exit 1; }
	@$(BIN)/workforce status
	@echo "Reports and manifest in $(WORKFORCE_OUTPUT_ROOT)/$(SAMPLE_AUTHORITY)/$(SAMPLE_END):"
	@ls -1 $(WORKFORCE_OUTPUT_ROOT)/$(SAMPLE_AUTHORITY)/$(SAMPLE_END)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The whole Airflow here (UI, scheduler, DAG processor, triggerer) with the sample history,
# to trigger runs and backfills by hand; prints the login. Ctrl-C stops it.
airflow: history airflow-db
	@bash scripts/airflow-local.sh

# The backfill test again with the production shape: CeleryExecutor, Redis, a worker.
test-celery: install
	WORKFORCE_TEST_CELERY=1 $(BIN)/python -m pytest tests/test_backfill.py

lint: install
	$(BIN)/ruff check .

docs: install
	$(BIN)/workforce docs

clean:
	rm -rf var output landing

# Stage timings and peak memory for 1, 10 and 153 councils against yardsticks (about ten
# minutes on two cores; docs/performance.md). BENCH_ARGS="--quick" for a smoke run.
bench: install
	$(BIN)/python scripts/benchmark.py $(BENCH_ARGS)
