# Every target that runs code installs what it needs first, so a fresh clone needs only
# Python 3.11+ (and Python 3.13, the Lambda runtime, for `sam build`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The SAM CLI pins its own boto3, so it lives in its own environment, built on the Lambda runtime's
# Python so that `sam build` finds python3.13 on PATH.
SAM_PYTHON ?= $(shell scripts/find-python 3.13)
SAM_VENV := .venv-sam
SAM_STAMP := $(SAM_VENV)/.installed
SAM := PATH="$(CURDIR)/$(SAM_VENV)/bin:$$PATH" SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam
AUDIT_VENV := .venv-audit
AUDIT_STAMP := $(AUDIT_VENV)/.installed
EVENT ?= events/lexv2/check-delivery-status-upset.json
BACKEND ?= embedded
export PYTHONPATH := layers/common/python:functions/delivery_bot:.:examples/booktrip/src

.PHONY: help api reset-deliveries bench install lock invoke seed report local-reset chat demo replay recover forget test unit integration lint typecheck check format flow validate build deploy audit clean
# Bare `make` lists the targets: each documented by the `##` line above it.
.DEFAULT_GOAL := help

## List the targets and what each does (the default).
help:
	@awk '/^## /{doc=substr($$0, 4); next} /^#/{next} /^[a-z][a-z-]*:/{if (doc != "") {sub(/:.*/, "", $$1); printf "  make %-12s %s\n", $$1, doc}; doc=""; next} {doc=""}' $(firstword $(MAKEFILE_LIST))

# Every pip install names its versions and hashes; pip itself comes from requirements-pip.lock first (so the
# base Python's bundled pip installs one hashed wheel and nothing else). The project is built with the dev
# lock's setuptools (--no-build-isolation): an isolated build would fetch pyproject's build backend unpinned.
PIP_OPTIONS := --quiet --disable-pip-version-check

$(STAMP): requirements-pip.lock requirements-dev.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed: run with PYTHON=python3.13 (or 3.11, 3.12)" >&2; exit 1; }
	@echo "Creating $(VENV) from requirements-dev.lock (once; a minute or two)..." >&2
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install $(PIP_OPTIONS) --require-hashes -r requirements-pip.lock >&2
	@$(BIN)/python -m pip install $(PIP_OPTIONS) --require-hashes -r requirements-dev.lock >&2
	@$(BIN)/python -m pip install $(PIP_OPTIONS) --no-index --no-deps --no-build-isolation --check-build-dependencies --editable . >&2
	@touch $(STAMP)

## Create .venv from requirements-dev.lock, with hashes (a no-op when it is current).
install: $(STAMP)

# uv keeps pip and setuptools in a lock when they are required (pip-compile needs --allow-unsafe for it), and
# with --no-python-downloads it never fetches an interpreter to resolve with.
LOCK_OPTIONS := --quiet --generate-hashes --no-header --no-python-downloads

## Re-resolve every lock file (with hashes) from its requirements: the layer's for Lambda (Python 3.13, arm64); pip's, the dev environment's and .venv-audit's for Python 3.11+; .venv-sam's for 3.13 and .venv-bench's for 3.12+, anywhere.
lock: install
	$(BIN)/uv pip compile $(LOCK_OPTIONS) --python-version 3.13 --python-platform aarch64-manylinux_2_28 \
		--output-file layers/common/python/requirements.lock layers/common/python/requirements.txt
	$(BIN)/uv pip compile $(LOCK_OPTIONS) --universal --python-version 3.11 \
		--output-file requirements-dev.lock requirements-dev.txt
	echo pip | $(BIN)/uv pip compile $(LOCK_OPTIONS) --universal --python-version 3.11 --no-annotate \
		--constraint requirements-dev.lock --output-file requirements-pip.lock -
	$(BIN)/uv pip compile $(LOCK_OPTIONS) --universal --python-version 3.13 \
		--output-file requirements-sam.lock requirements-sam.txt
	$(BIN)/uv pip compile $(LOCK_OPTIONS) --universal --python-version 3.11 \
		--output-file requirements-audit.lock requirements-audit.txt
	$(BIN)/uv pip compile $(LOCK_OPTIONS) --universal --python-version 3.12 \
		--output-file scripts/requirements-bench.lock scripts/requirements-bench.txt

## Run the code hook in-process on EVENT against the embedded moto backend (BACKEND=aws for real tables).
invoke: install
	$(BIN)/python -m local.invoke $(EVENT) --backend $(BACKEND)

## Record demo conversations through the code hook into the local store (or BACKEND=aws).
seed: install
	$(BIN)/python -m local.seed --backend $(BACKEND)

## Per-intent table, most soured conversations and PNG charts (seeds an empty local store first); REPORT_ARGS=--json pipes.
report: install
	@$(BIN)/python -m local.report --backend $(BACKEND) --charts .local/charts $(REPORT_ARGS)

## Talk to DeliveryBot in the terminal (the simulator plays Lex; SENTIMENT=comprehend uses AWS; SAVE=file.jsonl keeps it as a transcript).
chat: install
	$(BIN)/python -m local.chat --backend $(BACKEND) --sentiment $(or $(SENTIMENT),vader) $(if $(SAVE),--save $(SAVE))

## Play the AWS blog's conversation end to end.
demo: install
	$(BIN)/python -m local.chat --demo --backend $(BACKEND)

## Replay recorded conversations (TRANSCRIPTS=file.jsonl) and report pass/fail per conversation.
replay: install
	$(BIN)/python -m local.replay $(or $(TRANSCRIPTS),tests/transcripts/deliverybot.jsonl) --backend $(BACKEND)

## Re-import turn records that were logged for recovery (LOG=exported-log-lines.jsonl).
recover: install
	$(BIN)/python -m local.recover $(LOG) --backend $(BACKEND)

## Erase one customer's sentiment data and print what went (USER=<id>; DRY_RUN=1 only counts; BACKEND=aws).
# USER is also the shell's login name: only a USER given on the make command line names a customer. It
# reaches the tool through the environment, so no shell ever parses an id.
forget: export FORGET_USER := $(if $(filter command line,$(origin USER)),$(USER))
forget: install
	$(BIN)/python -m local.forget --backend $(BACKEND) $(if $(filter-out 0 false no,$(DRY_RUN)),--dry-run)

## Serve the insights API on 127.0.0.1 (PORT=8321) over the local store, as deployed but without IAM; Ctrl-C stops it.
api: install
	@$(BIN)/python -m local.api $(if $(PORT),--port $(PORT))

## Benchmarks as ratios to floors measured in the same run (never asserted; see docs/performance.md).
bench: install
	$(BIN)/python scripts/bench.py

## Put the local store's demo deliveries back, dated from today, keeping the recorded sentiment.
reset-deliveries: install
	@$(BIN)/python -m local.seed --deliveries

## Forget the local store (.local/): the next command starts from the demo deliveries again.
local-reset:
	rm -rf .local

## Lint, type checks, template checks (cfn-lint, sam validate, sam build) and every test.
test: install lint typecheck validate build
	$(BIN)/python -m pytest --numprocesses auto

## The unit tests only (no AWS, not even moto), and BookTrip's tests (one of which records into moto).
unit: install
	$(BIN)/python -m pytest tests/unit examples/booktrip/tests

## The integration tests only (moto, tables from template.yaml).
integration: install
	$(BIN)/python -m pytest tests/integration

## ruff (lint and format check) and lint-imports (the layering contracts).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## mypy, strict.
typecheck: install
	$(BIN)/mypy

## lint and typecheck.
check: lint typecheck

## Apply ruff's fixes and formatting.
format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Copy connect/agent-handover-flow.json into template.yaml's contact flow.
flow: install
	$(BIN)/python -m local.flow

$(SAM_STAMP): requirements-pip.lock requirements-sam.lock
	@test -n "$(SAM_PYTHON)" || \
		{ echo "The SAM CLI targets need Python 3.13 (the Lambda runtime): install it or set SAM_PYTHON=/path/to/python3.13"; exit 1; }
	$(SAM_PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install $(PIP_OPTIONS) --require-hashes -r requirements-pip.lock
	$(SAM_VENV)/bin/python -m pip install $(PIP_OPTIONS) --require-hashes -r requirements-sam.lock
	@touch $(SAM_STAMP)

## cfn-lint and sam validate --lint on both templates (SAM CLI in .venv-sam, Python 3.13).
validate: $(SAM_STAMP)
	$(SAM_VENV)/bin/cfn-lint template.yaml examples/booktrip/template.yaml
	$(SAM) validate --lint
	$(SAM) validate --lint --template-file examples/booktrip/template.yaml

## sam build (the layer and DeliveryBot with their bytecode).
build: $(SAM_STAMP)
	$(SAM) build

## sam deploy (CONFIG_ENV=prod for samconfig.toml's prod environment).
deploy: build
	$(SAM) deploy $(if $(CONFIG_ENV),--config-env $(CONFIG_ENV))

# On the dev environment's Python (3.11+; requirements-audit.lock is resolved for it).
$(AUDIT_STAMP): requirements-pip.lock requirements-audit.lock
	$(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/python -m pip install $(PIP_OPTIONS) --require-hashes -r requirements-pip.lock
	$(AUDIT_VENV)/bin/python -m pip install $(PIP_OPTIONS) --require-hashes -r requirements-audit.lock
	@touch $(AUDIT_STAMP)

## Security scan of both templates (template.yaml, examples/booktrip) with checkov, then every check it skipped and why (.checkov.yaml, resource Metadata).
audit: $(AUDIT_STAMP) install
	$(AUDIT_VENV)/bin/checkov --config-file .checkov.yaml --file template.yaml --file examples/booktrip/template.yaml
	@$(BIN)/python scripts/audit_skips.py

## Remove every virtual environment, the local store and the caches.
clean:
	rm -rf $(VENV) $(SAM_VENV) $(AUDIT_VENV) .venv-bench .local .pytest_cache .mypy_cache .ruff_cache .hypothesis .aws-sam \
		.import_linter_cache *.egg-info
