# PodForge: `make run` serves the embedded default; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
# uv from PATH when there is one, else a private copy installed from PyPI into .tools/.
UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
VENV_BIN := .venv/bin
export UV_PYTHON_DOWNLOADS := never

.PHONY: bench setup run test lint typecheck test-python test-frontend services system-packages frontend-build clean

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: pyproject.toml uv.lock $(wildcard plugins/*/pyproject.toml) | $(UV)
	$(UV) sync --frozen --all-packages --python $(PYTHON)
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

## setup: install the Python environment (.venv) and the web app's packages
setup: .venv/.synced frontend/node_modules/.installed

frontend-build: frontend/node_modules/.installed
	cd frontend && npm run build

## run: set up, build the web app, migrate and serve the embedded default on :8000
run: setup frontend-build
	$(VENV_BIN)/podforge db upgrade
	$(VENV_BIN)/podforge serve --host 127.0.0.1 --port 8000

## services: start PostgreSQL and Redis when they are not answering
services:
	scripts/ensure-services.sh

## system-packages: install the Debian packages the tests and benchmarks use (Chromium, a CJK font, nginx, wrk)
system-packages:
	scripts/ensure-system-packages.sh

lint: .venv/.synced
	$(VENV_BIN)/ruff check .

typecheck: .venv/.synced
	$(VENV_BIN)/mypy

test-frontend: frontend/node_modules/.installed
	cd frontend && npm test

test-python: .venv/.synced services system-packages frontend-build
	$(VENV_BIN)/pytest $(PYTEST_ARGS)

## test: set up and run everything: lint, types, the web app's tests, the Python suite
test: setup lint typecheck test-frontend test-python

## bench: run the benchmarks; writes bench/results.json and docs/benchmarks.md
bench: .venv/.synced services system-packages
	$(VENV_BIN)/python -m bench.run

clean:
	rm -rf .venv .tools frontend/node_modules frontend/dist var .pytest_cache .mypy_cache .ruff_cache
