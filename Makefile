# The two commands a newcomer needs:
#   make run    install, migrate the SQLite database, seed the demo, serve on 0.0.0.0:$PORT
#   make test   install everything the tests need and run the whole suite
VENV ?= .venv
PY := $(VENV)/bin/python
SIPAS := $(VENV)/bin/sipas
PORT ?= 5000
export PORT

.PHONY: run test install install-test system-deps bench clean translations

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test system-deps

system-deps:
	bash .ci/system-deps

run: install
	$(SIPAS) db upgrade
	$(SIPAS) demo seed --responses 400
	$(SIPAS) serve --host 0.0.0.0 --port $(PORT)

test: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install-test
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache artifacts

# Refresh the message catalogue after changing user-facing text, then fill
# the English msgstr in survey/translations/en/LC_MESSAGES/messages.po.
translations: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _ -k _l -k gettext -k lazy_gettext -k ngettext:1,2 \
	    --sort-output -o survey/translations/messages.pot survey templates
	$(VENV)/bin/pybabel update -i survey/translations/messages.pot -d survey/translations -l en --no-fuzzy-matching
	$(VENV)/bin/pybabel compile -d survey/translations -l en
