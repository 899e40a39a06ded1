# Lyt: `make run` starts the whole stack on localhost; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

APP_VENV  := .venv
RASA_VENV := .venv-rasa
APP_PY    := $(APP_VENV)/bin/python
RASA_PY   := $(RASA_VENV)/bin/python
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Rasa 3.6 needs Python < 3.11. Find python3.10 on PATH, or under pyenv.
PYTHON310 ?= $(shell for c in python3.10 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.10*/bin/python3.10 2>/dev/null | sort -V | tail -n1); do \
	command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; assert sys.version_info[:2]==(3,10)' 2>/dev/null && { command -v $$c; break; }; done)
PYTHON311 ?= $(shell for c in python3.11 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.11*/bin/python3.11 2>/dev/null | sort -V | tail -n1); do \
	command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; assert sys.version_info[:2]==(3,11)' 2>/dev/null && { command -v $$c; break; }; done)

.PHONY: help setup run run-ports test lint lint-js unit integration e2e browser rasa-validate rasa-test model kb triage bench clean browser-deps

help:
	@echo "make run    - set up (venvs, model, index) and start the whole stack on http://127.0.0.1:$${LYT_PORT:-8000}"
	@echo "make test   - lint, type checks, unit, integration, end-to-end, browser and Rasa tests"
	@echo "make bench  - benchmarks; writes bench/results/ and docs/PERFORMANCE.md"

$(APP_VENV)/.installed: requirements/app.lock.txt pyproject.toml
	@test -n "$(PYTHON311)" || { echo "error: python3.11 not found on PATH (needed for the app venv)"; exit 1; }
	$(PYTHON311) -m venv $(APP_VENV)
	# torch first and by exact version: the local CPU wheel; any other torch would pull in CUDA.
	$(APP_PY) -m pip install -q torch==2.13.0
	$(APP_PY) -m pip install -q -r requirements/app.lock.txt
	$(APP_PY) -m pip install -q --no-deps -e .
	touch $@

$(RASA_VENV)/.installed: requirements/rasa.lock.txt
	@test -n "$(PYTHON310)" || { echo "error: python3.10 not found on PATH or under pyenv. Rasa 3.6 requires Python 3.10 (< 3.11): install it, e.g. 'pyenv install 3.10'"; exit 1; }
	$(PYTHON310) -m venv $(RASA_VENV)
	$(RASA_PY) -m pip install -q -r requirements/rasa.lock.txt
	touch $@

setup: $(APP_VENV)/.installed $(RASA_VENV)/.installed

model: setup
	$(APP_VENV)/bin/lyt bot train

kb: setup
	$(APP_VENV)/bin/lyt kb build

# Trains (or loads from var/triage) the triage models once, before any gateway starts.
triage: setup
	$(APP_VENV)/bin/lyt triage build

# First of all: the ports of `make run` must be free (api/launcher.py checks them again, with a real bind).
run-ports:
	@for spec in "$${LYT_PORT:-8000} LYT_PORT gateway" "$${LYT_RASA_PORT:-5005} LYT_RASA_PORT rasa" \
		"$${LYT_ACTIONS_PORT:-5055} LYT_ACTIONS_PORT action server"; do set -- $$spec; \
		if (exec 3<>/dev/tcp/127.0.0.1/$$1) 2>/dev/null; then \
			echo "error: port $$1 ($${*:3}) is already in use on 127.0.0.1: stop what holds it, or choose another port with $$2, e.g. $$2=$$(($$1 + 1)) make run" >&2; \
			exit 2; \
		fi; \
	done

# supervisord (api/launcher.py): restarts what dies, prefixes output, stops everything on Ctrl-C.
run: run-ports setup model kb triage
	@mkdir -p var
	$(APP_PY) -m api.launcher

lint: setup lint-js
	$(APP_VENV)/bin/ruff check api actions knowledge tests bench
	$(APP_VENV)/bin/mypy api knowledge actions

# JS tools (eslint, tsc --checkJs) pinned in package-lock.json; reinstalled when the lock changes.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "error: npm not found on PATH (needed for lint-js: apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

lint-js: node_modules/.installed
	npx --no-install eslint api/static
	npx --no-install tsc --noEmit -p .

unit: setup
	$(APP_VENV)/bin/pytest -q tests/unit

rasa-validate: setup
	$(RASA_VENV)/bin/rasa data validate --config config.yml --domain bot/domain --data bot/data --fail-on-warnings

rasa-test: model
	$(RASA_VENV)/bin/rasa test core --model var/models/lyt.tar.gz --stories bot/tests --fail-on-prediction-errors --e2e --out var/rasa-results

browser-deps:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: setup model kb triage browser-deps lint lint-js rasa-validate rasa-test
	$(APP_VENV)/bin/pytest -q --durations=25 tests

bench: setup model kb triage
	$(APP_PY) -m bench.run_all

clean:
	rm -rf var/models var/kb var/triage var/screenshots
