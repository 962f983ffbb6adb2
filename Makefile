# Every target that runs code depends on `install`, so a fresh clone needs nothing but Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EVENT ?= events/lexv2/check-delivery-status-upset.json
BACKEND ?= embedded
export PYTHONPATH := layers/common/python:.

.PHONY: install invoke test unit integration lint typecheck check format clean

$(STAMP): requirements-dev.txt layers/common/python/requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed: run with PYTHON=python3.13 (or 3.11, 3.12)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

## Run the code hook in-process on EVENT against the embedded moto backend (BACKEND=aws for real tables).
invoke: install
	$(BIN)/python -m local.invoke $(EVENT) --backend $(BACKEND)

## Lint, type checks and every test.
test: install lint typecheck
	$(BIN)/python -m pytest

unit: install
	$(BIN)/python -m pytest tests/unit

integration: install
	$(BIN)/python -m pytest tests/integration

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

check: lint typecheck

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .aws-sam
