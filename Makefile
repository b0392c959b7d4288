# The two commands: `make run` serves the app, `make test` runs the checks. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: run test bench install install-dev lint

run: $(VENV)/.installed .env
	$(MANAGE) migrate --noinput
	$(MANAGE) load_question_sets fixtures/*.json
	$(MANAGE) demo_setup
	@if [ -n "$$DATABASE_URL" ] && [ -n "$$REDIS_URL" ]; then \
		echo "PostgreSQL and Redis configured: starting a Celery worker beside the web server."; \
		mkdir -p var; $(BIN)/celery -A wareview worker --beat --schedule=var/celerybeat-schedule --loglevel=info --concurrency=2 & worker=$$!; \
		trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		$(MANAGE) runserver $(HOST):$(PORT); \
	else \
		echo "Embedded default: SQLite in var/ and background tasks run in-process."; \
		$(MANAGE) runserver $(HOST):$(PORT); \
	fi

test: $(VENV)/.installed-dev .env
	$(BIN)/ruff check .
	$(BIN)/pytest -n $(PYTEST_WORKERS)

bench: $(VENV)/.installed-dev .env
	$(MANAGE) migrate --noinput
	$(BIN)/python bench/run.py

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "wareview needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv

$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/uv pip install --python $(BIN)/python --quiet -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock | $(BIN)/python
	$(BIN)/uv pip install --python $(BIN)/python --quiet -r requirements-dev.lock
	touch $(VENV)/.installed $@

# A development .env with a random SECRET_KEY; never overwritten, never committed.
.env:
	@$(PYTHON) -c 'import secrets; print("DEBUG=1\nSECRET_KEY=" + secrets.token_urlsafe(48))' > $@
	@echo "Wrote .env (DEBUG=1 and a random SECRET_KEY) for this checkout."
