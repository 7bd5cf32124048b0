# The two set-up commands of the README: `make run` serves the product, `make test` runs every check.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

.PHONY: install run test lint messages
install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py serve

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

test: lint
	$(PY) -m pytest $(PYTEST_ARGS)

# After changing user-facing text: refresh the English catalogue, translate, then compile.
messages: install
	$(PY) manage.py makemessages -l en --no-obsolete --ignore='.venv/*' --ignore='tests/*' --ignore='bench/*'
	$(PY) manage.py compilemessages -l en --ignore='.venv/*'
