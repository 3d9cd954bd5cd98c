# The two set-up commands of the README: `make run` and `make test`. Each installs what it needs first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= demo.duckdb
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install run test lint web browser-deps clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP) web

# Front-end bundle (npm registry packages, built into the package; see src/conflictwire/web/README.md).
web:
	@if [ -f src/conflictwire/web/frontend/package.json ]; then $(MAKE) -C src/conflictwire/web/frontend build; fi

# Debian's Chromium for the dashboard's browser tests (installed only when missing).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

run: install
	$(BIN)/conflictwire ingest demo/reports --db $(DB)
	$(BIN)/conflictwire events --db $(DB) --limit 20
	@echo "conflictwire: dashboard at http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	$(BIN)/conflictwire serve --db $(DB) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

test: install browser-deps lint
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) build *.egg-info $(DB)
