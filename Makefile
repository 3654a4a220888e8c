# Two commands for a fresh machine: `make run` starts the app, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test classifier soak mutation install install-dev system-deps lint bench clean

run: install classifier
	$(BIN)/streamlit run app.py --server.port $(PORT)

test: install-dev system-deps classifier
	$(BIN)/python -m pytest

# The guardrail classifiers (advice requests, picks in replies), built from the data in the repo once (cached in data/guardrails, rebuilt when it changes).
classifier: install
	$(BIN)/python -c "from chat_core.guardrails.classifier import load_classifier; from chat_core.guardrails.picks import load_pick_classifier; load_classifier(); load_pick_classifier()"

# The load, soak and crash runs (minutes; SOAK_SESSIONS and SOAK_SECONDS bound the load run). See docs/RELIABILITY.md.
soak: install-dev system-deps
	$(BIN)/python -m pytest -m soak -s tests/soak

# Mutation testing of the pure core with mutmut (CPU-heavy: tens of minutes on two cores). See docs/RELIABILITY.md.
mutation: install-dev
	$(BIN)/mutmut run --max-children 2 && $(BIN)/mutmut results

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/.installed: requirements.txt requirements-nodeps.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	$(BIN)/python -m pip install --no-deps -r requirements-nodeps.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/python -m pip install -r requirements-dev.txt
	touch $@

# The browser (and later the database) the tests need, from Debian's packages.
system-deps:
	@scripts/system-deps.sh

lint: install-dev
	$(BIN)/ruff format --check . && $(BIN)/ruff check .

# Every benchmark; writes bench/results.json, docs/PERFORMANCE.md and its plots (BENCH_FLAGS=--quick for a short run).
bench: install-dev system-deps
	$(BIN)/python bench/bench_streaming.py
	$(BIN)/python bench/bench_store.py
	$(BIN)/python bench/run_all.py $(BENCH_FLAGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
