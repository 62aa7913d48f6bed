# Pintu — the two commands are `make demo` and `make test`.
# Only Python >= 3.11 and make are needed; everything else is installed into .venv from the lock file.
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# pytest-xdist workers for `make test` (one per CPU by default; 0 = run in one process)
TEST_WORKERS ?= auto

.PHONY: demo test test-fast test-e2e install lint format schema schema-check messages serve worker bench clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

install: $(VENV)/.installed messages

messages: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=pintu.test_settings $(MANAGE) compilemessages_py

## Set up a demo on SQLite with Banyuwangi data and serve it at http://127.0.0.1:8000
demo: export PINTU_DEBUG = 1
demo: export PINTU_EMAIL_BACKEND = django.core.mail.backends.filebased.EmailBackend
demo: install
	$(MANAGE) migrate --noinput
	$(MANAGE) demo_setup
	@echo ""
	@echo "Pintu: http://127.0.0.1:8000  — demo accounts in README.md, password pintu-demo-2026"
	@echo "E-mail notifications are written to var/mail/, SMS/WhatsApp messages to this log."
	$(MANAGE) demo_serve --addr 127.0.0.1:8000

## Run the whole suite (honours DATABASE_URL; unset = SQLite): lint, migrations, API schema drift, tests
test: export DJANGO_SETTINGS_MODULE = pintu.test_settings
test: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	env -u DATABASE_URL $(MANAGE) spectacular --file .openapi.generated.yaml --validate --fail-on-warn
	@diff -u openapi.yaml .openapi.generated.yaml || (echo "openapi.yaml is out of date: run 'make schema' and commit it" && exit 1)
	@rm -f .openapi.generated.yaml
	$(PY) -m pytest -q -n $(TEST_WORKERS)

test-fast: export DJANGO_SETTINGS_MODULE = pintu.test_settings
test-fast: install
	$(PY) -m pytest -q -m "not e2e"

test-e2e: export DJANGO_SETTINGS_MODULE = pintu.test_settings
test-e2e: install
	$(PY) -m pytest -q -m e2e

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

## Regenerate the committed OpenAPI schema (always against SQLite: integer limits in the schema
## come from the database backend, and the committed file must not depend on it)
schema: export DJANGO_SETTINGS_MODULE = pintu.test_settings
schema: install
	env -u DATABASE_URL $(MANAGE) spectacular --file openapi.yaml --validate --fail-on-warn

serve: install
	$(PY) -m gunicorn pintu.wsgi --bind 127.0.0.1:8000 --workers 2

worker: install
	$(MANAGE) worker

clean:
	rm -rf $(VENV) $(TOOLS) var/demo
