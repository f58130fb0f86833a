# WageWatch. `make run` sets up and serves the app; `make test` sets up and runs the whole suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint format sysdeps messages backup restore bench clean

$(STAMP): pyproject.toml
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (found %s)" % sys.version.split()[0])'
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q -U pip
	$(BIN)/pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

.env:
	@printf 'DEBUG=1\nSECRET_KEY=%s\n' "$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "wrote .env (DEBUG=1, a generated SECRET_KEY)"

sysdeps:
	@bash scripts/sysdeps.sh

messages: $(STAMP)
	@$(BIN)/python manage.py compilemessages -v 0 --ignore '.venv/*' --ignore 'node_modules/*'

setup: sysdeps $(STAMP) .env messages

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py collectstatic --noinput -v 0
	@bash scripts/serve.sh $(HOST) $(PORT)

test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

backup: $(STAMP)
	@bash scripts/backup.sh $(FILE)

restore: $(STAMP)
	@bash scripts/restore.sh $(FILE)

# every benchmark on throw-away PostgreSQL databases (server of DATABASE_URL, else postgres@127.0.0.1:5432),
# then one table: each figure beside its anchor from the same run. BENCH_QUICK=1: smoke sizes. No .env needed.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles
