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

.PHONY: build serve test lint execute bench vendor bundle clean

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

clean:
	rm -rf _build
