# cxlib: the Makefile is the entry point. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ENGAGEMENTS := $(sort $(dir $(wildcard data/*/engagement.yaml)))
JOBS ?=

.DEFAULT_GOAL := help
.PHONY: help env demo test test-slow bench lab lock data clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name cxlib --display-name "Python (cxlib)" >/dev/null
	touch $(STAMP)

env: $(STAMP) ## create .venv and install cxlib with the pinned dependencies

demo: $(STAMP) ## run every notebook on every engagement under data/ -> reports/
	$(BIN)/cx run $(ENGAGEMENTS) --out reports $(if $(JOBS),--jobs $(JOBS))

test: $(STAMP) ## run the test suite (slow cases in their quick form)
	$(BIN)/python -m pytest -q

test-slow: $(STAMP) ## run the test suite with the full slow cases
	$(BIN)/python -m pytest -q --slow

bench: $(STAMP) ## run the benchmarks in bench/ and print their ratios
	@fail=0; for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || fail=1; done; exit $$fail

lab: $(STAMP) ## open JupyterLab on notebooks/
	$(BIN)/jupyter lab notebooks/

data: $(STAMP) ## regenerate the committed demo engagements from their seeds
	$(BIN)/cx synth retailer data/demo-retailer --customers 6000 --seed 1 --force
	$(BIN)/cx synth brokerage data/demo-brokerage --customers 5000 --seed 2 --force

lock: ## re-pin constraints.txt from a clean resolve (then update environment.yml to match)
	rm -rf /tmp/cxlib-lock && $(PYTHON) -m venv /tmp/cxlib-lock
	/tmp/cxlib-lock/bin/pip install --quiet -e ".[dev]"
	{ echo "# Exact pins of the whole dependency tree (pip install -c constraints.txt)."; \
	  echo "# Regenerate: make lock. environment.yml names the same versions (tests/test_environment.py)."; \
	  /tmp/cxlib-lock/bin/pip freeze --exclude-editable | grep -v '^cxlib'; } > constraints.txt

clean: ## remove generated reports and caches (keeps .venv)
	rm -rf reports/*/ reports/index.html .pytest_cache
