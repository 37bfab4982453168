# The course's commands. `make help` lists them.
# Works on a fresh machine with Python 3.11 and make, also as root.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
NOTEBOOK ?=
LAB_PORT ?= 8888

# Keep TensorFlow's C++ start-up banner out of the notebooks; real errors still show.
export TF_CPP_MIN_LOG_LEVEL ?= 2
export TF_ENABLE_ONEDNN_OPTS ?= 0
# Never fetch anything at lesson time.
export PIP_DISABLE_PIP_VERSION_CHECK := 1

ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
NBVAL := --nbval-lax --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg \
         --nbval-cell-timeout=900

.PHONY: help lab test test-fast lint preflight bench bench-one clean-notebooks env site

help:
	@echo "make lab         install (first time) and open JupyterLab at the start-here lesson"
	@echo "make test        the whole test suite: lint, unit tests, every notebook (nbval)"
	@echo "make test-fast   lint and unit tests only (no notebooks)"
	@echo "make test-notebook NOTEBOOK=notebooks/01_convolution.ipynb   one lesson's tests"
	@echo "make preflight   check this machine is ready for the course"
	@echo "make bench       measure every lesson: time, memory, model quality (slow)"
	@echo "make bench-one NOTEBOOK=notebooks/05_forecasting.ipynb   measure one lesson"
	@echo "make site        execute every lesson and render them as web pages in _site/"

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@echo ">> Python: $(PYTHON) ($$($(PYTHON) --version 2>&1))"
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' || \
	  { echo "!! The course needs Python 3.11. Install it, or run: make lab PYTHON=/path/to/python3.11"; exit 1; }
	@test -x $(BIN)/python || { echo ">> creating the virtual environment $(VENV)"; $(PYTHON) -m venv $(VENV); }
	@echo ">> installing the pinned requirements into $(VENV) (the first time takes a few minutes)"
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	@echo ">> installing course_utils (editable)"
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

env: $(STAMP)

lab: $(STAMP)
	@echo ">> starting JupyterLab on http://127.0.0.1:$(LAB_PORT) (token authentication on; Ctrl-C stops it)"
	@echo ">> open the link with ?token=... that JupyterLab prints below"
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(LAB_PORT) --ServerApp.root_dir="$(CURDIR)" \
	  $(ROOT_FLAG) notebooks/00_start_here.ipynb

preflight: $(STAMP)
	@echo ">> pre-flight check"
	$(BIN)/python -m course_utils

lint: $(STAMP)
	@echo ">> ruff (course_utils, tests, tools, notebooks)"
	$(BIN)/ruff check course_utils tests tools benchmarks notebooks templates

test: lint
	@echo ">> pytest: unit tests, then every notebook under notebooks/ (nbval)"
	$(BIN)/python -m pytest tests notebooks templates $(NBVAL) $(PYTEST_ARGS)

test-fast: lint
	@echo ">> pytest: unit tests only"
	$(BIN)/python -m pytest tests -m "not slow" $(PYTEST_ARGS)

test-notebook: $(STAMP)
	@test -n "$(NOTEBOOK)" || { echo "!! usage: make test-notebook NOTEBOOK=notebooks/NN_name.ipynb"; exit 1; }
	@echo ">> nbval on $(NOTEBOOK)"
	$(BIN)/python -m pytest $(NOTEBOOK) $(NBVAL) $(PYTEST_ARGS)

clean-notebooks: $(STAMP)
	$(BIN)/python tools/nbtools.py clean notebooks/*.ipynb

bench: $(STAMP)
	@echo ">> benchmark: every lesson in a fresh kernel, under Binder's 2 GB cap (slow)"
	$(BIN)/python -m benchmarks.run

bench-one: $(STAMP)
	@test -n "$(NOTEBOOK)" || { echo "!! usage: make bench-one NOTEBOOK=notebooks/NN_name.ipynb"; exit 1; }
	@echo ">> benchmark of $(NOTEBOOK), merged into benchmarks/results.json"
	$(BIN)/python -m benchmarks.run $(NOTEBOOK)

site: $(STAMP)
	@echo ">> executing every lesson and rendering the static site into _site/ (a few minutes)"
	$(BIN)/python tools/build_site.py --out _site
