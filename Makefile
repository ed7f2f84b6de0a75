# Every target sets itself up: a .venv with the exact versions of requirements.lock,
# the package installed in editable mode, and a Jupyter kernel named "wardstudy".
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: setup reports build test lab lock data clean

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name wardstudy --display-name "wardstudy (.venv)" >/dev/null
	touch $(STAMP)

## make reports: every ward's report from the shipped data, into reports/
# (each ward's page, index.html and indicators.csv; unchanged wards are skipped, FORCE=1 reruns all)
reports: $(STAMP)
	$(BIN)/wardstudy run --jobs $(JOBS) $(if $(FORCE),--force)

## make build: the study build cache for the shipped data (reused when inputs are unchanged)
build: $(STAMP)
	$(BIN)/wardstudy build

## make test: the import-linter contracts (pyproject.toml), then the whole test suite
test: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

## make lab: JupyterLab on notebooks/ with the project kernel
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks

## make lock: refresh requirements.lock from pyproject.toml (needs the registry)
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links --upgrade -o requirements.lock pyproject.toml

## make data: regenerate the synthetic panel (byte-identical for the default seed)
data: $(STAMP)
	$(BIN)/wardstudy generate

clean:
	rm -rf reports .pytest_cache .wardstudy-build
