# Lägesbild: two commands do all set-up. `make demo` runs the product, `make test` runs the tests.
#
# Python 3.11, 3.12 or 3.13: the newest found as python3.X on the PATH, then under ~/.pyenv/versions
# (tools/find-python). Choose with
#   make test PY=3.11                  that version only, in its own venv .venv-3.11
#   make test PYTHON=/usr/bin/python3  that interpreter, in .venv (or VENV=…)
#   make test-nobrowser PY=3.13        the whole suite except the browser (e2e) tests
#   make test TESTS=tests/analysis     the checks and only these tests
# Dependencies come only from uv.lock (exact versions with hashes, installed by the pinned uv of
# requirements-uv.txt); `make lock` updates it after a change to pyproject.toml, `make lock UPGRADE=1`
# moves every package to its newest allowed version. See README, "Dependencies".
SUPPORTED := 3.13 3.12 3.11
PY ?=
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell sh tools/find-python $(or $(PY),$(SUPPORTED)))
endif
PYVER := $(if $(PYTHON),$(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null))
VENV ?= $(if $(PY),.venv-$(PY),.venv)
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(PYVER)
UV_ENV := .uv
UV := $(UV_ENV)/bin/uv
CODE := api analysis ingest
TESTS ?= tests

# uv never downloads a Python of its own, and also trusts the system's certificate store (a
# TLS-inspecting proxy's CA); SSL_CERT_FILE is honoured as well.
export UV_PYTHON_DOWNLOADS := never
UV_SYSTEM_CERTS ?= 1
export UV_SYSTEM_CERTS

.PHONY: demo test test-nobrowser pytest wheel-smoke bench load-test soak fuzz lint lock browser oidc-provider clean check-python

check-python:
	@[ -n "$(PYTHON)" ] || { echo "Lägesbild behöver Python 3.11, 3.12 eller 3.13 men hittade $(if $(PY),ingen python$(PY),ingen av dem) (sökte på PATH och under ~/.pyenv/versions). Installera en, t.ex. apt-get install python3 python3-venv, eller ange den: make PYTHON=/sökväg/till/python3.12 …"; exit 1; }
	@case "$(PYVER)" in 3.11|3.12|3.13) ;; *) echo "$(PYTHON) är $(if $(PYVER),Python $(PYVER),ingen fungerande Python); Lägesbild behöver Python 3.11, 3.12 eller 3.13."; exit 1;; esac

# The installer, pinned with hashes, in a venv of its own (uv sync keeps the project venv exactly to
# the lock, so uv cannot live there). Needs the venv module with ensurepip: python3-venv on Debian/Ubuntu.
$(UV): requirements-uv.txt | check-python
	@rm -rf $(UV_ENV)
	@$(PYTHON) -m venv $(UV_ENV) || { rm -rf $(UV_ENV); echo "Kunde inte skapa en virtuell miljö med $(PYTHON): modulen venv eller ensurepip saknas. På Debian/Ubuntu installerar du paketet python3-venv (för just denna version: python$(PYVER)-venv), t.ex. sudo apt-get install python3-venv"; exit 1; }
	$(UV_ENV)/bin/pip install -qq --require-hashes --no-deps -r requirements-uv.txt
	@touch $@

# The venv, exactly as uv.lock says (runtime and the dev extra, the project itself editable). Made
# again whenever uv.lock, pyproject.toml or the Python version changes.
$(STAMP): uv.lock pyproject.toml $(UV) | check-python
	@$(UV) lock --check --offline --python $(PYTHON) >/dev/null 2>&1 || { echo "uv.lock stämmer inte med pyproject.toml: kör make lock och checka in uv.lock."; exit 1; }
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --extra dev --python $(PYTHON)
	@touch $@

demo: $(STAMP)
	$(BIN)/lagesbild demo

# Browser tests need Debian's chromium; install it when we can (root), otherwise they skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq chromium) || echo "chromium saknas: webbläsartesterna hoppas över"; }

# The OpenID provider the SSO browser test runs (tests/oidc: oidc-provider from npm, exact versions in
# package-lock.json), installed once like the venv and again when the lock changes. npm goes through
# the proxy's CA when PIP_CERT names one. Without Node the SSO test skips and says why.
OIDC_STAMP := tests/oidc/node_modules/.installed
$(OIDC_STAMP): tests/oidc/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm saknas: SSO-testet mot oidc-provider hoppas över (installera nodejs och npm)"; exit 0; }; \
	  cd tests/oidc && $(if $(PIP_CERT),NODE_EXTRA_CA_CERTS=$(PIP_CERT) npm_config_cafile=$(PIP_CERT)) npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed

oidc-provider: $(OIDC_STAMP)

# Import contract, ruff, mypy, the test suite ($(1): extra pytest arguments) and the doctests.
define run_tests
	$(BIN)/lint-imports
	$(BIN)/ruff check $(CODE) tests
	$(BIN)/mypy $(CODE)
	$(BIN)/pytest -n 2 --dist loadfile $(1) $(TESTS)
	$(BIN)/pytest -q --doctest-modules analysis ingest
endef

test: $(STAMP) browser $(OIDC_STAMP)
	$(call run_tests)

# PYTEST_EXTRA_MARKERS narrows it further, e.g. PYTEST_EXTRA_MARKERS="and not slow" (CI on Python 3.13).
test-nobrowser: $(STAMP)
	$(call run_tests,-m "not e2e $(PYTEST_EXTRA_MARKERS)")

# The test suite alone, for CI's further runs (other dates, PostgreSQL) after the checks ran once:
#   make pytest PY=3.11 PYTEST_ARGS="-m dates"
pytest: $(STAMP) browser $(OIDC_STAMP)
	$(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS) $(TESTS)

# Build the wheel, install it outside the checkout, migrate, load the demo, serve and log in (CI runs it).
wheel-smoke: $(UV)
	PYTHON=$(PYTHON) UV=$(abspath $(UV)) bash .ci/wheel-smoke

bench: $(STAMP)
	$(BIN)/python -m tests.bench.run_all

# Load, kill -9 of the server mid-load, restart and replay on SQLite and PostgreSQL (BENCHMARKS.md).
# LAGESBILD_SOAK_SECONDS, LAGESBILD_SOAK_CLIENTS, LAGESBILD_SOAK_DATABASES=sqlite, LAGESBILD_BENCH_PG_URL.
# The time-bounded load tests (marker `load`), alone: 20 logins + 20 submits at once against a real server.
load-test: $(STAMP)
	LAGESBILD_LOAD_TESTS=1 $(BIN)/pytest -p no:xdist -m load tests

soak: $(STAMP)
	$(BIN)/python -m tests.bench.soak_submit

# Schemathesis over the OpenAPI document (tests/api/test_openapi_fuzz.py, in-process, the demo kommun, an
# API token and an analyst's session) with many more cases than the short run in the suite: FUZZ_EXAMPLES
# per operation and phase, on SQLite and then on PostgreSQL when LAGESBILD_TEST_DATABASE_URL is set.
# FUZZ_SEED=n generates other cases than the fixed seed of CI.
FUZZ_EXAMPLES ?= 300
FUZZ_ENV = LAGESBILD_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(if $(FUZZ_SEED),LAGESBILD_FUZZ_SEED=$(FUZZ_SEED))
fuzz: $(STAMP)
	env -u LAGESBILD_TEST_DATABASE_URL $(FUZZ_ENV) $(BIN)/pytest -p no:xdist -q -s tests/api/test_openapi_fuzz.py
	@if [ -n "$$LAGESBILD_TEST_DATABASE_URL" ]; then \
	  echo "PostgreSQL: $$LAGESBILD_TEST_DATABASE_URL"; \
	  $(FUZZ_ENV) $(BIN)/pytest -p no:xdist -q -s tests/api/test_openapi_fuzz.py; \
	else \
	  echo "LAGESBILD_TEST_DATABASE_URL saknas: körningen mot PostgreSQL hoppas över (se README, Tester)"; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check $(CODE) tests
	$(BIN)/mypy $(CODE)

lock: $(UV)
	$(UV) lock $(if $(filter 1 yes true,$(UPGRADE)),--upgrade) --python $(PYTHON)

clean:
	rm -rf .venv .venv-3.* $(UV_ENV) var/*.db var/*.db-*
