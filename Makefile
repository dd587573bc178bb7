# Yingxiao (营销) — developer and CI entry points.
#
#   make run     install everything, migrate, load the demo company, serve on http://127.0.0.1:8000
#   make test    run the test suite (SQLite by default; set DATABASE_URL for PostgreSQL)
#   make lint    ruff check, ruff format --check, mypy
#   make demo    start over: delete the SQLite database, migrate, load the demo company
#   make fmt     format the code and apply ruff's automatic fixes
#   make bench   run the benchmarks (when there are any)
#   make clean   remove .venv, node_modules, static/vendor, staticfiles (keeps var/)
#
# `install` is run by the others; it is fast when nothing changed (stamp files).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PYTEST_ARGS ?=
BENCH_ARGS ?=
HOST := 127.0.0.1
PORT := 8000

VENV_STAMP := $(VENV)/.stamp-venv
PIP_STAMP := $(VENV)/.stamp-pip
VENDOR_STAMP := static/vendor/.stamp
MO_STAMP := $(VENV)/.stamp-translations
PO_FILES := $(shell find . \( -path ./node_modules -o -path ./.venv -o -path ./.git \) -prune -o -name '*.po' -print 2>/dev/null)

# Recreate .venv when its python is missing, broken or older than 3.12.
VENV_OK := $(shell [ -x $(PY) ] && $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && echo yes)
ifneq ($(VENV_OK),yes)
$(VENV_STAMP): FORCE
endif

.PHONY: help install run test lint demo bench fmt clean FORCE

help:
	@sed -n 's/^#   //p' Makefile

install: $(PIP_STAMP) $(VENDOR_STAMP) $(MO_STAMP)

$(VENV_STAMP):
ifeq ($(VENV_OK),yes)
	@echo "==> using the existing $(VENV) ($$($(PY) -c 'import platform; print(platform.python_version())'))"
else
	@py="$$(scripts/find_python.sh)"; \
	echo "==> creating $(VENV) with $$py ($$("$$py" -c 'import platform; print(platform.python_version())'))"; \
	rm -rf $(VENV); \
	"$$py" -m venv --prompt yingxiao $(VENV)
endif
	@touch $@

$(PIP_STAMP): pyproject.toml $(VENV_STAMP)
	@echo "==> pip install -e '.[dev]'"
	$(PY) -m pip install --quiet --progress-bar off -e '.[dev]'
	@touch $@

$(VENDOR_STAMP): package-lock.json package.json scripts/vendor.mjs
	@scripts/find_node.sh >/dev/null
	@echo "==> npm ci; copying front-end libraries into static/vendor"
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	node scripts/vendor.mjs
	@touch $@

$(MO_STAMP): $(PIP_STAMP) $(PO_FILES)
	@echo "==> compiling translations"
	$(MANAGE) compile_translations
	@touch $@

run: install
	@mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) demo --if-empty
	@echo
	@echo "  Yingxiao is starting at http://$(HOST):$(PORT)/"
	@echo "  Demo logins are listed above; every demo user's password is yingxiao-demo (e.g. admin)."
	@echo
	@# A background worker runs long jobs (imports); it stops with the server.
	@$(MANAGE) db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(MANAGE) runserver $(HOST):$(PORT)

test: install
	@db="$${DATABASE_URL:-sqlite}"; echo "==> pytest $(PYTEST_ARGS) (database: $${db%%:*})"
	@$(PY) -m pytest $(PYTEST_ARGS) || { rc=$$?; \
		if [ $$rc -eq 5 ]; then echo "pytest ran no tests (exit 5): the test suite or its selection is broken" >&2; fi; \
		exit $$rc; }

lint: install
	@status=0; \
	echo "==> ruff check"; $(VENV)/bin/ruff check . || status=1; \
	echo "==> ruff format --check"; $(VENV)/bin/ruff format --check . || status=1; \
	echo "==> mypy"; $(VENV)/bin/mypy || status=1; \
	exit $$status

demo: install
	@if [ -n "$${DATABASE_URL:-}" ]; then \
		echo "note: DATABASE_URL is set, so that database is used and is NOT emptied first"; \
	fi
	rm -f var/db.sqlite3 var/db.sqlite3-wal var/db.sqlite3-shm var/db.sqlite3-journal
	@mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) demo

bench: install
	@if $(PY) -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("yingxiao.bench") is None)'; then \
		$(PY) -m yingxiao.bench $(BENCH_ARGS); \
	else \
		echo "no benchmarks yet"; \
	fi

fmt: $(PIP_STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles .pytest_cache .mypy_cache .ruff_cache

FORCE:
