# Lägesbild: two commands do all set-up. `make demo` runs the product, `make test` runs the tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-pg bench lint browser wheel-smoke clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Lägesbild behöver Python 3.11 ($(PYTHON) saknas)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/lagesbild demo

# Browser tests need Debian's chromium; install it when we can (root), otherwise they skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq chromium) || echo "chromium saknas: webbläsartesterna hoppas över"; }

test: $(STAMP) browser
	$(BIN)/lint-imports
	$(BIN)/pytest -n 2 --dist loadfile tests
	$(BIN)/pytest -q --doctest-modules analysis ingest

bench: $(STAMP)
	$(BIN)/python -m tests.bench.run_all

# Build the wheel, install it in a fresh virtualenv outside the checkout, migrate, load the demo, serve, log in.
wheel-smoke:
	PYTHON=$(PYTHON) bash .ci/wheel-smoke

lint: $(STAMP)
	$(BIN)/ruff check api analysis ingest tests
	$(BIN)/mypy api analysis ingest

clean:
	rm -rf $(VENV) var/*.db var/*.db-*
