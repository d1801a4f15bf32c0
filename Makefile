# Sinau: `make run` to try it, `make test` to check it. Everything else follows from these two.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# The address printed in emails (and sent to the SSO provider): where `make run` listens, unless
# LMS_BASE_URL says otherwise (a proxy, a real host name).
RUN_BASE_URL = $(or $(LMS_BASE_URL),http://127.0.0.1:$(PORT))
export FLASK_APP := lms

.PHONY: run serve test lint format install install-dev lock translations messages db demo courses clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# requirements*.txt are locks: every transitive dependency pinned, with hashes (`make lock`).
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Re-lock after changing requirements.in or requirements-dev.in: hashes of PyPI's files only.
PIP_COMPILE = PIP_CONFIG_FILE=/dev/null $(VENV)/tools/bin/pip-compile --quiet --generate-hashes \
	--strip-extras --no-emit-find-links --no-emit-index-url --index-url https://pypi.org/simple
lock:
	$(PYTHON) -m venv $(VENV)/tools
	$(VENV)/tools/bin/pip install --quiet pip-tools==7.6.2
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

## Compile the translation catalogues (.po -> .mo); the .mo files are build output.
translations: install
	$(BIN)/pybabel compile -d lms/translations -f --statistics

## Re-extract the messages and update the English catalogue after changing UI text.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o lms/translations/messages.pot --no-location --sort-output --omit-header .
	$(BIN)/pybabel update -i lms/translations/messages.pot -d lms/translations --no-fuzzy-matching --omit-header

## Upgrade the database (SQLite in instance/ unless DATABASE_URL is set).
db: install
	$(BIN)/flask db upgrade

## Demo accounts, only into the embedded SQLite database unless LMS_DEMO=1 says otherwise.
demo: db
	@if [ -z "$$DATABASE_URL" ] || [ "$$LMS_DEMO" = "1" ]; then $(BIN)/flask lms demo; \
	else echo "DATABASE_URL is set: demo data not loaded (LMS_DEMO=1 to force)."; fi

## Load or update the course content in courses/ (idempotent; with any problem, nothing changes).
courses: db
	$(BIN)/flask lms courses sync

## Serve on 127.0.0.1:$(PORT) with the scheduler beside it, as its own process.
run: install translations courses demo
	@export LMS_BASE_URL='$(RUN_BASE_URL)'; \
	$(BIN)/flask lms scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: install-dev translations
	$(BIN)/ruff check lms tests bench wsgi.py
	$(BIN)/ruff format --check lms tests bench wsgi.py
	@if [ -n "$$LMS_TEST_DATABASE_URL" ] && [ -z "$(PYTEST_ARGS)" ]; then \
	  echo "--- two lanes at once: PostgreSQL (log: .pytest-postgresql.log) and SQLite"; \
	  LMS_TEST_LANE=postgresql $(BIN)/python -m pytest -p no:cacheprovider \
	    > .pytest-postgresql.log 2>&1 & pg=$$!; \
	  LMS_TEST_LANE=sqlite $(BIN)/python -m pytest; sqlite=$$?; \
	  wait $$pg; postgresql=$$?; \
	  echo "--- PostgreSQL lane"; tail -n 60 .pytest-postgresql.log; \
	  echo "--- lanes: sqlite exit $$sqlite, postgresql exit $$postgresql"; \
	  [ $$sqlite -eq 0 ] && [ $$postgresql -eq 0 ]; \
	else \
	  $(BIN)/python -m pytest $(PYTEST_ARGS); \
	fi

lint: install-dev
	$(BIN)/ruff check lms tests bench wsgi.py

format: install-dev
	$(BIN)/ruff check --fix lms tests bench wsgi.py
	$(BIN)/ruff format lms tests bench wsgi.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
