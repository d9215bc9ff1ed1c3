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
# pytest-xdist workers; whole test files go to one worker (a notebook's cells stay in one kernel),
# in the order tests/conftest.py gives them (the files that need no built site first)
TEST_WORKERS ?= 2
# a built site offers the whole course as one PDF / EPUB once made: `make pdf` and `make epub`
# end with an incremental build (a few seconds), which copies the file into the site and lists
# it in the download menu, on the landing page and for the service worker

.PHONY: build serve test lint execute bench vendor bundle clean lock audit pdf epub

# The environment comes from requirements.lock (every package pinned with its hashes; `make
# lock` regenerates it from requirements.txt), then the course package itself, editable.
$(STAMP): requirements.lock requirements.txt pyproject.toml
	bash scripts/lock.sh --check
	bash scripts/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $@

_vendor/.stamp: package.json package-lock.json scripts/vendor.sh
	bash scripts/vendor.sh

vendor: _vendor/.stamp

# Components' front-ends: widgets/static/*.js with their imports, one module each, into
# widgets/static/dist/ (committed; tests/test_bundle.py checks it is current).
bundle: _vendor/.stamp
	$(BIN)/python scripts/bundle.py

build: $(STAMP) _vendor/.stamp
	bash scripts/build.sh

serve: build
	$(BIN)/python scripts/serve.py --port $(PORT)

lint: $(STAMP) _vendor/.stamp
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	node_modules/.bin/biome ci .

test: $(STAMP) _vendor/.stamp lint
	bash scripts/system-deps.sh --browser
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=15

execute: $(STAMP)
	$(BIN)/python scripts/execute_notebooks.py

bench: $(STAMP) _vendor/.stamp
	$(BIN)/python scripts/bench.py

# requirements.lock from requirements.txt, resolved on PyPI with hashes (needs the network)
lock:
	bash scripts/lock.sh

# Known vulnerabilities of the locked Python packages (pip-audit) and the npm packages
# (npm audit); says plainly when the advisory databases cannot be reached.
audit: $(STAMP)
	bash scripts/audit.sh
# One PDF of the whole course: the single-page HTML build printed by Chromium (page numbers,
# contents, components in their print view); one EPUB from Sphinx's epub builder.
pdf: $(STAMP) _vendor/.stamp
	bash scripts/system-deps.sh --browser
	$(BIN)/jupyter-book build . --builder singlehtml --path-output _build/single
	$(BIN)/python scripts/book_pdf.py --html _build/single/_build/singlehtml --out _build/pdf/calcinosis-course.pdf
	if [ -d _build/html ]; then bash scripts/build.sh; fi

epub: $(STAMP) _vendor/.stamp
	$(BIN)/jupyter-book build . --builder custom --custom-builder epub --path-output _build/epubsrc
	mkdir -p _build/epub && cp _build/epubsrc/_build/epub/calcinosis-course.epub _build/epub/
	if [ -d _build/html ]; then bash scripts/build.sh; fi

clean:
	rm -rf _build _build.next _build.old
