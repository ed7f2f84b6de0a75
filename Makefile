# Every target sets itself up: a .venv with the exact versions of requirements.lock,
# the package installed in editable mode, and a Jupyter kernel named "wardstudy".
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: setup browser reports national build test lab lock data docs clean

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name wardstudy --display-name "wardstudy (.venv)" >/dev/null
	touch $(STAMP)

## make browser: Debian's Chromium for the browser tests (tests/test_browser.py) and poppler-utils
# (pdftotext, for tests/test_pdf.py), installed only when missing; playwright (requirements.lock)
# drives Chromium, since no browser can be downloaded here.
CHROMIUM := /usr/bin/chromium
SUDO     := $(if $(filter 0,$(shell id -u)),,sudo)

browser:
	@test -x $(CHROMIUM) -a -x /usr/bin/pdftotext || { echo "installing Debian's chromium and poppler-utils" \
		"(for the browser tests and reading the PDFs they print)"; \
		$(SUDO) apt-get update -qq >/dev/null && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
			chromium fonts-dejavu-core poppler-utils >/dev/null; }

## make reports: every ward's report from the shipped data, into reports/
# (each ward's page, index.html and indicators.csv; unchanged wards are skipped, FORCE=1 reruns all)
reports: $(STAMP)
	$(BIN)/wardstudy run --jobs $(JOBS) $(if $(FORCE),--force)

## make national: every programme ward of the national synthetic panel (made first, git-ignored
# data/national/; byte-identical, so an unchanged build is reused), 2024, into reports/national-programme/
national: $(STAMP)
	$(BIN)/wardstudy generate --national
	$(BIN)/wardstudy run --selection params/selections/national-programme.yaml --jobs $(JOBS) $(if $(FORCE),--force)

## make build: the study build cache for the shipped data (reused when inputs are unchanged)
build: $(STAMP)
	$(BIN)/wardstudy build

## make test: the import-linter contracts and ruff check (pyproject.toml), then the whole test suite, one
# pytest-xdist worker per core (JOBS; each file in one worker: --dist loadfile in pyproject.toml)
test: $(STAMP) browser
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(JOBS)

## make lab: JupyterLab at the project root (data/, params/, reports/ open from Lab) with the
# ward notebook open and the project kernel; the URL it prints opens the notebook itself.
# LAB_ARGS passes options on, e.g. on a remote or headless machine:
#   make lab LAB_ARGS="--no-browser --ip=0.0.0.0 --port=8890"
LAB_ARGS ?=
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR) $(if $(filter 0,$(shell id -u)),--allow-root) \
		--LabApp.default_url=/lab/tree/notebooks/ward_report.ipynb $(LAB_ARGS)

## make docs: the docs site (mkdocs.yml: pages in docs/, the API reference from the docstrings, the
# data dictionary from wardstudy.study, the tutorials of notebooks/tutorials) into site/, warnings as errors
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

## make lock: refresh requirements.lock from pyproject.toml (needs the registry)
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links --upgrade -o requirements.lock pyproject.toml

## make data: regenerate the synthetic panel (byte-identical for the default seed)
data: $(STAMP)
	$(BIN)/wardstudy generate

clean:
	rm -rf reports .pytest_cache .wardstudy-build site
