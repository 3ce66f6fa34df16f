# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: run test test-slow test-citus install lint format messages lock bench-import clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.lock
	$(PIP) install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# A local .env for the demo (DEBUG off, demo mode on) and a fresh secret, written once;
# production sets its own (docs/deploy.md).
.env:
	printf 'DEMO=true\nSECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(40))')" > .env

run: install .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_wilayah
	$(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000"
	$(PY) manage.py runserver 127.0.0.1:8000

# Two workers that take tests from each other's queue, so one long test strands no worker.
PYTEST := $(PY) -m pytest -n 2 --dist worksteal

# SQLite always; PostgreSQL too when DATABASE_URL points at one. Everything but the tests
# marked slow or browser (those run in `make test-slow`, which CI runs too).
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports
	env -u DATABASE_URL $(PY) manage.py makemigrations --check --dry-run --settings=config.test_settings
	env -u DATABASE_URL $(PYTEST) -m "not slow and not browser" $(PYTEST_ARGS)
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== PostgreSQL: $$DATABASE_URL"; \
		$(PYTEST) -m "not slow and not browser" $(PYTEST_ARGS); \
	fi

# The full demo seed and the browser tests (Chromium): minutes, so CI runs them after
# `make test`, on SQLite and on PostgreSQL when DATABASE_URL is set.
test-slow: install
	env -u DATABASE_URL $(PYTEST) -m "slow or browser" $(PYTEST_ARGS)
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== PostgreSQL: $$DATABASE_URL"; \
		$(PYTEST) -m "slow or browser" $(PYTEST_ARGS); \
	fi

# The same system on a fresh local Citus cluster (docs/scaling.md): builds Citus from
# ../shared/citus if needed, starts a coordinator and CITUS_WORKERS (2) workers in a temp
# dir, migrate + citus_distribute, a named subset of the tests, and stops the cluster.
test-citus: install
	bash bench/citus/test-citus.sh $(PYTEST_ARGS)

lint:
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy . && $(VENV)/bin/lint-imports

format:
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .

# Refresh the Indonesian catalogue after changing UI strings, then compile it.
messages:
	$(PY) manage.py makemessages -l id --ignore '.venv/*' --ignore 'growthstandards/*' --ignore '*/tests/*' --ignore 'data/*' --no-obsolete --settings=config.test_settings
	$(PY) manage.py compilemessages --ignore .venv --settings=config.test_settings

lock:
	$(PIP) freeze --exclude-editable | sed '1i # Every dependency, pinned (direct and transitive). Regenerate: make lock' > requirements.lock

clean:
	rm -rf $(VENV) staticfiles
