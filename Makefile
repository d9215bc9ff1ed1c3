# Two commands for a fresh Debian/Ubuntu machine with Python 3.11+ (see README):
#   make build   (make serve)   builds (and serves) the book
#   make test                   runs the whole test suite
# For authors: make execute re-runs the notebooks and stores outputs and widget state;
#              make lint runs ruff (Python) and Biome (JS) as `make test` does first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000

.PHONY: build serve test lint execute bench vendor bundle clean lock audit

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
	$(BIN)/python -m pytest

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

clean:
	rm -rf _build _build.next _build.old
