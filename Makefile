# The course's commands are `python course.py COMMAND` (Python 3.11 only, no make needed);
# each target here is an alias of the command of the same name. `make help` lists them.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
COURSE := $(PYTHON) course.py
PYTEST_ARGS ?=
NOTEBOOK ?=
LAB_PORT ?= 8888

.PHONY: help env lab test test-fast test-notebook preflight bench bench-one spread site hub \
        bench-hub clean-notebooks

help env preflight spread site hub bench-hub clean-notebooks:
	@$(COURSE) $@

lab:
	@$(COURSE) lab --port $(LAB_PORT)

test test-fast:
	@$(COURSE) $@ $(if $(PYTEST_ARGS),-- $(PYTEST_ARGS),)

bench:
	@$(COURSE) bench

test-notebook bench-one:
	@test -n "$(NOTEBOOK)" || { echo "!! usage: make $@ NOTEBOOK=notebooks/NN_name.ipynb"; exit 1; }
	@$(COURSE) $@ $(NOTEBOOK) $(if $(PYTEST_ARGS),-- $(PYTEST_ARGS),)
