# The two commands a newcomer needs:  make run   (the gate, reports in reports/)  and  make test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OLD_VENV := .venv-celery5old
OLD_STAMP := $(OLD_VENV)/.installed
FOREIGN := tests/projects/taskflow
FOREIGN_VENV := .venv-taskflow
FOREIGN_STAMP := $(FOREIGN_VENV)/.installed

# The suites start many Python processes, each importing the harness: with bytecode writing
# switched off in the environment, every one of them compiled the harness again (and pytest rewrote its asserts
# again), about a third of a quick run's CPU.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test fast prepare properties unit-lane live durations acceptance bench install services browser report-screenshot lint typecheck unit live clean

run: install services
	$(BIN)/harness run --target reference

# `make test` answers in two stages. The fast lane (lint, types, the unit and recorded-evidence tests, the payload
# properties with the "thorough" Hypothesis profile) runs side by side with what the live suites need besides the
# harness's venv (the servers, Chromium, the older-Celery and taskflow venvs), and stops the run within minutes
# when it fails. The live suites then run in LIVE_WORKERS pytest-xdist processes, longest tests first
# (tests/durations.txt), each run in its own vhost and database on the shared servers.
PROPERTIES := tests/unit/test_payloads_properties.py
LIVE_WORKERS ?= 4
LIVE := $(BIN)/pytest tests/integration -n $(LIVE_WORKERS) --dist worksteal

# Wall-clock acceptance tests judge timing that a shared 2-core machine does not always give; they run with
# `make acceptance`, never silently skipped.
ACCEPTANCE := tests/integration/test_latency_honesty.py::test_a_known_3ms_delay_shifts_p50_by_3ms \
              tests/integration/test_latency_gate.py::test_a_target_adding_8ms_fails_the_p99_check_in_make_runs_configuration \
              tests/integration/test_latency_honesty.py::test_a_stall_shows_in_corrected_p99_not_in_uncorrected \
              tests/integration/test_cluster.py::test_the_reference_loses_nothing_under_every_cluster_fault \
              tests/integration/test_cluster.py::test_the_seed_loses_work_named_by_queue_node_and_count \
              tests/integration/test_cluster.py::test_an_external_cluster_given_by_its_nodes_urls_is_judged_as_a_cluster \
              tests/integration/test_cluster.py::test_an_interrupted_cluster_run_leaves_nothing

test: install
	$(MAKE) --no-print-directory -j 4 --output-sync=target fast prepare
	$(MAKE) --no-print-directory live

fast: lint typecheck properties unit-lane

unit-lane: install
	$(BIN)/pytest tests/unit --ignore=$(PROPERTIES) -q

prepare: services browser $(OLD_STAMP) $(FOREIGN_STAMP)

properties: install
	HYPOTHESIS_PROFILE=thorough $(BIN)/pytest $(PROPERTIES) -q -n 2 --durations=5

live: install services browser $(OLD_STAMP) $(FOREIGN_STAMP)
	$(LIVE) $(addprefix --deselect ,$(ACCEPTANCE)) --durations=15

# Refresh tests/durations.txt (the order the live suite starts its tests in) from a run of it, and print the
# tests that cost the most CPU seconds (theirs and their processes'): on 2 cores the live suite is bound by CPU.
CPU_LOG := reports/test-cpu.txt
durations: install services
	rm -f $(CPU_LOG)
	TEST_CPU_LOG=$(abspath $(CPU_LOG)) $(LIVE) $(addprefix --deselect ,$(ACCEPTANCE)) -q --durations=0 \
	  | tests/durations.sh > tests/durations.txt
	@echo "CPU seconds per test (most first), all: $(CPU_LOG)"; grep ' tests/' $(CPU_LOG) | sort -rn | head -30
	@grep ' tests/' $(CPU_LOG) | awk '{s += $$1} END {printf "total %.0f CPU s\n", s}'

acceptance: install services
	$(BIN)/pytest $(ACCEPTANCE)

# Ratios from one run: the reference target's webhook-to-queue p50/p99 against the floor (BENCH_RATE,
# BENCH_SECONDS: 300/s for 30 s), and the load generator's sends/s against plain Locust FastHttpUser.
bench: install services
	$(BIN)/python -m harness.load.bench

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,local]'
	touch $@

# A second interpreter pinned to an older Celery 5.x, for the --target-python tests.
$(OLD_STAMP): tests/old-celery-requirements.txt
	$(PYTHON) -m venv $(OLD_VENV)
	$(OLD_VENV)/bin/pip install -q -r tests/old-celery-requirements.txt
	touch $@

# taskflow, the service the harness is proven on as a user would point it at theirs: its own venv and pins.
$(FOREIGN_STAMP): $(FOREIGN)/requirements.txt $(FOREIGN)/pyproject.toml
	$(PYTHON) -m venv $(FOREIGN_VENV)
	$(FOREIGN_VENV)/bin/pip install -q -r $(FOREIGN)/requirements.txt
	$(FOREIGN_VENV)/bin/pip install -q --no-deps -e $(FOREIGN)
	touch $@

services:
	@scripts/ensure-services.sh

# Headless Chromium from Debian's package, for the report's browser test: installed when missing and root,
# otherwise the test is skipped with the reason.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      chromium fonts-dejavu-core >/dev/null; \
	  else echo "chromium is missing; the browser test will be skipped. Install it: sudo apt-get install -y chromium" >&2; fi; }

# docs/report.png, the README's picture of a report: a screenshot of reports/latest/report.html.
report-screenshot: install browser
	$(BIN)/python -m tests.browser reports/latest/report.html docs/report.png 2200

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy harness  # harness/payloads and harness/fixtures link to the top-level folders

unit: install
	$(BIN)/pytest tests/unit

clean:
	rm -rf $(VENV) $(OLD_VENV) $(FOREIGN_VENV) reports/2* reports/latest
