# cxlib: the Makefile is the entry point. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ENGAGEMENTS := $(sort $(dir $(wildcard data/*/engagement.yaml)))
JOBS ?=

.DEFAULT_GOAL := help
.PHONY: help env kernel browser rlang demo test test-slow bench lab lock data clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	$(INSTALL_KERNEL)
	touch $(STAMP)

env: $(STAMP) ## create .venv and install cxlib with the pinned dependencies

# The notebooks' kernel. One BLAS/OpenMP thread per kernel: cx run's pool is the parallelism, and a kernel
# left to use every core oversubscribes them when anything else runs (tests/test_environment.py checks).
KERNEL_ENV := OMP_NUM_THREADS OPENBLAS_NUM_THREADS MKL_NUM_THREADS
INSTALL_KERNEL = $(BIN)/python -m ipykernel install --sys-prefix --name cxlib --display-name "Python (cxlib)" \
	  $(foreach v,$(KERNEL_ENV),--env $(v) 1) >/dev/null
kernel: $(STAMP) ## (re)install the `cxlib` Jupyter kernel into .venv, limited to one BLAS/OpenMP thread
	$(INSTALL_KERNEL)

browser: ## install Debian's headless Chromium (report checks, the PDF), poppler-utils (PDF checks) and a CJK font (figures), where missing
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null \
	  || { echo "installing chromium (Debian package) for the browser checks"; \
	       $(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
	       DEBIAN_FRONTEND=noninteractive $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq chromium >/dev/null; }
	@command -v pdftoppm >/dev/null \
	  || { echo "installing poppler-utils (Debian package) for the PDF checks (pdftoppm)"; \
	       $(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
	       DEBIAN_FRONTEND=noninteractive $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq poppler-utils >/dev/null; }
	@test -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc \
	  || { echo "installing a CJK font (Debian fonts-wqy-microhei) for Chinese, Japanese and Korean names in figures"; \
	       { $(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
	         DEBIAN_FRONTEND=noninteractive $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq fonts-wqy-microhei >/dev/null; } \
	       || echo "could not install fonts-wqy-microhei: CJK characters will show as boxes in figures"; }

# The executive summary's deck as LibreOffice draws it (issue 20): each deck converted to PDF by headless
# LibreOffice Impress, then to PNG by pdftoppm, and every slide's chart region checked for ink. Its own target,
# not part of `make test` (LibreOffice is large): the session's small batch, and the demos `make demo` published.
.PHONY: deck-check
deck-check: $(STAMP) browser ## the decks rendered by LibreOffice (installs Debian's libreoffice-impress where missing): every slide shows its chart
	@command -v soffice >/dev/null \
	  || { echo "installing libreoffice-impress (Debian package) for the deck check"; \
	       $(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
	       DEBIAN_FRONTEND=noninteractive $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq --no-install-recommends libreoffice-impress >/dev/null; }
	CXLIB_DECK_CHECK=1 $(BIN)/python -m pytest -p no:xdist -q -s -m libreoffice tests/test_deck.py

# R is the field's reference for survival and survey statistics: tests compare cxlib with R's `survival`
# (survfit's robust variance, cox.zph) and `survey` (rake, svymean, svyciprop), run through Rscript.
R_PACKAGES := r-base-core r-cran-survival r-cran-survey
rlang: ## install Debian's R with the survival and survey packages (reference checks in the tests), where missing
	@Rscript -e 'quit(status = !all(sapply(c("survival", "survey"), requireNamespace, quietly = TRUE)))' 2>/dev/null \
	  || { echo "installing R with survival and survey (Debian packages) for the reference checks"; \
	       $(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
	       DEBIAN_FRONTEND=noninteractive $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq \
	         --no-install-recommends $(R_PACKAGES) >/dev/null; }

demo: $(STAMP) browser ## run every notebook on every engagement under data/ -> reports/ (+ browser check, screenshots)
	$(BIN)/cx run $(ENGAGEMENTS) --out reports $(if $(JOBS),--jobs $(JOBS))
	$(BIN)/python -m cxlib.browser reports

# The suite runs on every core (pytest-xdist, tests handed out one by one). The small batch that many tests
# read (tests/conftest.py: one `cx run`) is built once per session, by the first worker that needs it, under a
# file lock; the others wait and share it. synth's calibration is cached on disk (~/.cache/cxlib).
# (--dist loadgroup would pin groups, but pytest-xdist 3.8 cannot rename pytest 9's node ids, so its groups
# are silently ignored.)
PYTEST_WORKERS ?= auto
test: $(STAMP) browser rlang ## run the test suite (slow cases in their quick form; browser and R checks included)
	CXLIB_REQUIRE_BROWSER=1 CXLIB_REQUIRE_R=1 $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist load

test-slow: $(STAMP) browser rlang ## run the test suite with the full slow cases
	CXLIB_REQUIRE_BROWSER=1 CXLIB_REQUIRE_R=1 $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist load --slow

bench: $(STAMP) ## run the benchmarks in bench/ and print their ratios
	@fail=0; for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || fail=1; done; exit $$fail

lab: $(STAMP) ## open JupyterLab on notebooks/
	$(BIN)/jupyter lab notebooks/

data: $(STAMP) ## regenerate the committed demo engagements from their seeds
	$(BIN)/cx synth retailer data/demo-retailer --customers 30000 --response 0.3 --seed 11 --waves 3 --force
	$(BIN)/cx synth brokerage data/demo-brokerage --customers 16500 --response 0.3 --seed 2 --waves 3 --force

lock: ## re-pin constraints.txt from a clean resolve (then update environment.yml to match)
	rm -rf /tmp/cxlib-lock && $(PYTHON) -m venv /tmp/cxlib-lock
	/tmp/cxlib-lock/bin/pip install --quiet -e ".[dev]"
	{ echo "# Exact pins of the whole dependency tree (pip install -c constraints.txt)."; \
	  echo "# Regenerate: make lock. environment.yml names the same versions (tests/test_environment.py)."; \
	  /tmp/cxlib-lock/bin/pip freeze --exclude-editable | grep -v '^cxlib'; } > constraints.txt

clean: ## remove generated reports and caches (keeps .venv)
	rm -rf reports/*/ reports/index.html .pytest_cache
