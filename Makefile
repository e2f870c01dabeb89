# MijnPortfolio — the two commands are `make run` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install migrate seed bench lint clean test-unit test-integration test-e2e

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is nodig ($(PYTHON) niet gevonden)."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(BIN)/mijnportfolio db upgrade

# Serve on http://127.0.0.1:5000 with gunicorn; a new database gets the demo data.
run: migrate
	@if $(BIN)/mijnportfolio db is-empty; then \
	  $(BIN)/mijnportfolio seed-demo || echo "No demo data (production). Create an admin: $(BIN)/mijnportfolio create-admin --email E --password P"; \
	fi
	$(BIN)/gunicorn --bind 127.0.0.1:5000 --workers 2 --threads 4 --access-logfile - "mijnportfolio.entrypoints.wsgi:app"

lint: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/mypy

# All tests: the architecture contracts, the type check of src/, unit, integration (SQLite, and PostgreSQL when
# TEST_DATABASE_URL is set) and end-to-end in Chromium (when /usr/bin/chromium exists).
test: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest tests

test-unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit

test-integration: $(STAMP)
	$(BIN)/python -m pytest tests/integration

test-e2e: $(STAMP)
	$(BIN)/python -m pytest tests/e2e

bench: $(STAMP)
	$(BIN)/python bench/run.py --students $(if $(BENCH_STUDENTS),$(BENCH_STUDENTS),5000)

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
