# The two commands: `make run` (install, then serve on the embedded store) and `make test`.
VENV ?= .venv
PYTHON ?= python3
INSTALLED := $(VENV)/.installed

.PHONY: install run demo test es-start es-stop bench

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[test]"
	touch $@

install: $(INSTALLED)

run: install
	$(VENV)/bin/habari run

demo: install
	$(VENV)/bin/habari demo

test: install
	VENV=$(VENV) scripts/run-tests

es-start:
	scripts/es-node start

es-stop:
	scripts/es-node stop

bench: install
	$(VENV)/bin/pip install --quiet -e ".[test,bench]"
	for name in index crawl extract pipeline dedupe mentions tagging language; do $(VENV)/bin/python -m bench.$$name || exit 1; done
