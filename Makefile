# The two set-up commands of the README: `make demo` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: demo test lint bench clean man

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install -q -e '.[test,sim]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m lineguard.sim.demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

# mypy reads the packages under their installed names through a folder of links (see
# tests/test_typecheck.py, which runs the same check as part of `make test`).
TYPES   := $(VENV)/typecheck
lint: $(STAMP)
	$(BIN)/ruff check agent collector formats sim tests bench
	mkdir -p $(TYPES)/lineguard
	for p in agent collector formats sim; do ln -sfn $(CURDIR)/$$p $(TYPES)/lineguard/$$p; done
	MYPYPATH=$(TYPES) $(BIN)/python -m mypy

# Man pages are generated from the argument parsers; tests/test_manpages.py checks they are current.
MANPAGE := $(BIN)/argparse-manpage --project-name lineguard --manual-title "lineguard manual" \
	--format single-commands-section
man: $(STAMP)
	$(MANPAGE) --module lineguard.collector.cli --function _parser --prog lineguard \
		--description "verify, store and judge lineguard snapshots" --output man/lineguard.1
	$(MANPAGE) --module lineguard.agent.cli --function _parser --prog lineguard-agent \
		--description "signed snapshots of scheduled jobs and device line data" \
		--output man/lineguard-agent.1

bench: $(STAMP)
	for b in bench/*.py; do $(BIN)/python $$b; done

clean:
	rm -rf $(VENV) lineguard-data build *.egg-info
