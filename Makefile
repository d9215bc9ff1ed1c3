# Two commands for a fresh Debian/Ubuntu machine with Python 3.11+ (see README):
#   make build   (make serve)   builds (and serves) the book
#   make test                   runs the whole test suite (in parallel: TEST_WORKERS, default 2)
#   make pdf / make epub        the whole course as one PDF / one EPUB (_build/pdf, _build/epub)
# For authors: make execute re-runs the notebooks and stores outputs and widget state;
#              make lint runs ruff (Python) and Biome (JS) as `make test` does first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000
# pytest-xdist workers; whole test files go to one worker (a notebook's cells stay in one kernel)
TEST_WORKERS ?= 2
# where the site offers the whole course as one PDF / EPUB (a later build copies them in too)
COURSE_DL := _build/html/_downloads/course

.PHONY: build serve test lint execute bench vendor bundle clean pdf epub

$(STAMP): requirements.txt pyproject.toml
	bash scripts/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

_vendor/.stamp: package.json package-lock.json scripts/vendor.sh
	bash scripts/vendor.sh

vendor: _vendor/.stamp

# Components' front-ends: widgets/static/*.js with their imports, one module each, into
# widgets/static/dist/ (committed; tests/test_bundle.py checks it is current).
bundle: _vendor/.stamp
	$(BIN)/python scripts/bundle.py

build: $(STAMP) _vendor/.stamp
	$(BIN)/jupyter-book build . -W -n --keep-going

serve: build
	$(BIN)/python scripts/serve.py --port $(PORT)

lint: $(STAMP) _vendor/.stamp
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	node_modules/.bin/biome ci .

test: $(STAMP) _vendor/.stamp lint
	bash scripts/system-deps.sh --browser
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=15

execute: $(STAMP)
	$(BIN)/python scripts/execute_notebooks.py

bench: $(STAMP) _vendor/.stamp
	$(BIN)/python scripts/bench.py

# One PDF of the whole course: the single-page HTML build printed by Chromium (page numbers,
# contents, components in their print view); one EPUB from Sphinx's epub builder.
pdf: $(STAMP) _vendor/.stamp
	bash scripts/system-deps.sh --browser
	$(BIN)/jupyter-book build . --builder singlehtml --path-output _build/single
	$(BIN)/python scripts/book_pdf.py --html _build/single/_build/singlehtml --out _build/pdf/calcinosis-course.pdf
	if [ -d _build/html ]; then mkdir -p $(COURSE_DL) && cp _build/pdf/calcinosis-course.pdf $(COURSE_DL)/; fi

epub: $(STAMP) _vendor/.stamp
	$(BIN)/jupyter-book build . --builder custom --custom-builder epub --path-output _build/epubsrc
	mkdir -p _build/epub && cp _build/epubsrc/_build/epub/calcinosis-course.epub _build/epub/
	if [ -d _build/html ]; then mkdir -p $(COURSE_DL) && cp _build/epub/calcinosis-course.epub $(COURSE_DL)/; fi

clean:
	rm -rf _build
