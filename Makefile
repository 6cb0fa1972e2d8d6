# The two commands a newcomer needs:  make run   (the gate, reports in reports/)  and  make test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OLD_VENV := .venv-celery5old
OLD_STAMP := $(OLD_VENV)/.installed

.PHONY: run test install services lint typecheck unit live clean

run: install services
	$(BIN)/harness run --target reference

test: install services $(OLD_STAMP) lint typecheck
	$(BIN)/pytest tests

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# A second interpreter pinned to an older Celery 5.x, for the --target-python tests.
$(OLD_STAMP): tests/old-celery-requirements.txt
	$(PYTHON) -m venv $(OLD_VENV)
	$(OLD_VENV)/bin/pip install -q -r tests/old-celery-requirements.txt
	touch $@

services:
	@scripts/ensure-services.sh

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy harness payloads fixtures

unit: install
	$(BIN)/pytest tests/unit

clean:
	rm -rf $(VENV) $(OLD_VENV) reports/2* reports/latest
