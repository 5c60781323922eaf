# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
export DJANGO_SETTINGS_MODULE := tinhso.settings

.PHONY: run test install install-dev lint messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Serve the platform with demo data on SQLite (var/tinhso.sqlite3) at http://$(HOST):$(PORT):
# gunicorn, the background task workers and the scheduler, stopped together (Ctrl+C).
run: install
	DEBUG=$${DEBUG:-1} $(BIN)/tinhso migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/tinhso seed_demo
	DEBUG=$${DEBUG:-1} $(BIN)/tinhso collectstatic --noinput --verbosity 0
	DEBUG=$${DEBUG:-1} $(BIN)/tinhso serve --bind $(HOST):$(PORT) \
		--web-workers $${WEB_WORKERS:-3} --forwarded-allow-ips "127.0.0.1"

# Lint and the whole test suite (SQLite unless DATABASE_URL says otherwise).
test: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check src tests bench

# Recompile translations after editing src/tinhso/locale/*/LC_MESSAGES/django.po
messages: install-dev
	cd src/tinhso && ../../$(BIN)/tinhso compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache
