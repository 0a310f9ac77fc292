# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Tests run against PostgreSQL, as production does; pytest-django creates test_<name> beside it.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ofsted_compare

# `make serve`: the production stack on this machine. Every one of these can be overridden.
PORT ?= 8000
WORKERS ?= 2
# Browser tests drive Debian's Chromium; Playwright never downloads a browser of its own.
CHROMIUM := /usr/bin/chromium

.PHONY: run serve test install install-dev lock chromium lint format migrate data bench mutate mutate-sample clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The locks name every package with its hashes, so nothing unpinned or altered is installed.
$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt
	touch $@

# requirements-dev.txt holds the runtime lock too, at the same versions.
$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Edit requirements.in or requirements-dev.in, then `make lock`; pip-tools lives in its own venv,
# outside the locks it writes. --upgrade-package NAME in LOCK_ARGS moves one package.
PIP_TOOLS := $(VENV)/pip-tools
LOCK_ARGS ?=
lock:
	test -x $(PIP_TOOLS)/bin/pip-compile || \
	  { $(PYTHON) -m venv $(PIP_TOOLS) && $(PIP_TOOLS)/bin/pip install --quiet pip-tools==7.6.2; }
	CUSTOM_COMPILE_COMMAND="make lock" $(PIP_TOOLS)/bin/pip-compile --quiet --generate-hashes \
	  --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS) \
	  --output-file requirements.txt requirements.in
	CUSTOM_COMPILE_COMMAND="make lock" $(PIP_TOOLS)/bin/pip-compile --quiet --generate-hashes \
	  --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS) \
	  --output-file requirements-dev.txt requirements-dev.in

migrate: install
	$(PY) manage.py migrate --no-input

data: migrate
	$(PY) manage.py load_authorities
	$(PY) manage.py load_publications
	$(PY) manage.py load_demo

# DEBUG is off unless asked for; the development server asks (and so do its migrate and data).
run: export DEBUG = true
run: data
	@echo "Ofsted Compare is at http://127.0.0.1:8000/ (admin: http://127.0.0.1:8000/admin/)"
	$(PY) manage.py runserver 127.0.0.1:8000

# Production settings over plain HTTP on this machine: a throwaway SECRET_KEY unless one is set,
# and no redirect to HTTPS, which a reverse proxy would terminate. See README "Deploy".
serve: export DEBUG = false
serve: export SECRET_KEY ?= $(shell $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))")
serve: export ALLOWED_HOSTS ?= 127.0.0.1,localhost
serve: export SECURE_SSL_REDIRECT ?= false
serve: data
	$(PY) manage.py collectstatic --no-input --verbosity 0
	@echo "Ofsted Compare (gunicorn, DEBUG off) is at http://127.0.0.1:$(PORT)/"
	exec $(VENV)/bin/gunicorn ofsted_compare.wsgi --bind 127.0.0.1:$(PORT) \
	  --workers $(WORKERS) --access-logfile -

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Installs Chromium through apt where it can (root on Debian); elsewhere names the one command.
chromium:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Chromium and its driver for the browser tests (apt-get)"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else \
	    echo "The browser tests need Chromium at $(CHROMIUM). Run:" >&2; \
	    echo "    sudo apt-get install -y chromium chromium-driver" >&2; \
	    exit 1; \
	  fi; }

test: lint chromium
	$(PY) manage.py makemigrations --check --dry-run
	DATABASE_URL=$(TEST_DATABASE_URL) $(VENV)/bin/pytest

bench: install-dev
	$(PY) bench/ingest.py
	$(PY) bench/load.py

# Mutation testing (README, "Mutation testing"); slow, so not part of `make test` or CI. One
# worker at the lowest priority: the machine is shared, and the mutants share one test database,
# kept between their runs (--reuse-db). MUTATE picks mutants by name, so one module set can run
# alone: `make mutate MUTATE='dashboards.export*'`. Survivors: `mutmut show NAME`.
MUTATE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ofsted_compare_mutate
MUTATE ?=
mutate: install-dev
	DATABASE_URL=$(MUTATE_DATABASE_URL) nice -n 19 $(VENV)/bin/mutmut run --max-children 1 $(foreach m,$(MUTATE),'$(m)')
	$(VENV)/bin/mutmut export-cicd-stats && cat mutants/mutmut-cicd-stats.json && echo

# The README's score: a fixed quarter of the mutants of the modules not run in full before (the
# parser, the export, the catalogue and the grid were; bench/mutation_sample.py): 1,366 of 5,653 on
# 2 December 2026. The views' 18 mutants run first, which makes the mutants and mutmut's map of the
# tests; then the sample's mutants that have no verdict yet; then the score per module.
MUTATE_SAMPLE ?= inspections.ingest* inspections.reading* inspections.kept_files* inspections.models* \
	dashboards.apps* dashboards.cache* dashboards.chart_figure* dashboards.chart_layout* \
	dashboards.charts* dashboards.evidence* dashboards.figures* dashboards.filters* dashboards.forms* \
	dashboards.hexmap* dashboards.map_figure* dashboards.middleware* dashboards.models* \
	dashboards.pagecache* dashboards.peer_figures* dashboards.peers* dashboards.timeline* \
	dashboards.views*
mutate-sample: install-dev
	DATABASE_URL=$(MUTATE_DATABASE_URL) nice -n 19 $(VENV)/bin/mutmut run --max-children 1 'dashboards.views*'
	DATABASE_URL=$(MUTATE_DATABASE_URL) nice -n 19 $(VENV)/bin/mutmut run --max-children 1 \
		$$($(PY) bench/mutation_sample.py --names $(foreach m,$(MUTATE_SAMPLE),'$(m)'))
	$(PY) bench/mutation_sample.py $(foreach m,$(MUTATE_SAMPLE),'$(m)')

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles mutants
