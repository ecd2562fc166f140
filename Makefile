# The two commands: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: serving needs only the package (`make run`); the test toolchain (pytest,
# Playwright, mypy, ruff: about 400 MB) comes with the [dev] extra, for `make test` and the rest.
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
# Lighthouse (npm) for `make lighthouse`, kept out of the repository's files in .lighthouse/.
LIGHTHOUSE_VERSION := 12.8.2
LIGHTHOUSE := .lighthouse/node_modules/.bin/lighthouse

.PHONY: run test check lint format check-content migrate bench floors bench-live burst crowd browsers clean film \
	lighthouse screenshots

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null || { \
		echo "This course needs Python 3.11, and $(PYTHON) is missing or another version." >&2; \
		echo "Install Python 3.11, or point to it: make PYTHON=/path/to/python3.11 run" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e .
	touch $(RUN_STAMP)

$(DEV_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(DEV_STAMP) $(RUN_STAMP)

## run: install what serving needs, migrate and serve at http://$${COURSE_HOST:-127.0.0.1}:$${COURSE_PORT:-8000}
run: $(RUN_STAMP)
	$(BIN)/course check-content
	$(BIN)/course migrate
	$(BIN)/course purge
	$(BIN)/course serve

## test: lint, types, and the whole suite (unit, web, browser), in TEST_WORKERS processes
# The suite runs in parallel here (pytest-xdist) and not through addopts, so that
# `pytest tests/some_test.py` stays one plain process for a developer (no workers to start,
# and -s, pdb and prints behave). Two workers suit the 2-core CI machine (each drives its own
# Chromium); --dist loadscope keeps a module's tests on one worker, so each module-scoped live
# server is still built once. `make test TEST_WORKERS=4` on a bigger machine, 0 for one process.
TEST_WORKERS ?= 2
test: $(DEV_STAMP) browsers check
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadscope

## check: ruff (lint and format), mypy, and the import contracts (layers) in pyproject.toml
check: $(DEV_STAMP)
	$(BIN)/ruff check course tests
	$(BIN)/ruff format --check course tests
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(DEV_STAMP)
	$(BIN)/ruff format course tests
	$(BIN)/ruff check --fix course tests

check-content: $(RUN_STAMP)
	$(BIN)/course check-content

migrate: $(RUN_STAMP)
	$(BIN)/course migrate

## browsers: Chromium for the browser tests (Debian's package, else Playwright's download)
browsers:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		$(BIN)/playwright install chromium; \
	fi

## film: rebuild the default film in static/film/ from course/film/production/story.py (not part of test)
film: $(DEV_STAMP) browsers
	@if command -v ffmpeg >/dev/null && command -v text2wave >/dev/null \
		&& [ -d /usr/share/festival/voices/us/cmu_us_slt_arctic_hts ]; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			ffmpeg festival festvox-us-slt-hts fonts-dejavu-core; \
	else \
		echo "make film needs ffmpeg, festival and its HTS voice:" \
			"apt-get install ffmpeg festival festvox-us-slt-hts fonts-dejavu-core" >&2; exit 1; \
	fi
	$(BIN)/python -m course.film.production.build

## bench: requests per second and latency of the app against a bare FastAPI route
bench: $(DEV_STAMP)
	$(BIN)/python tests/perf/bench.py

## floors: what the bare stack (FastAPI, sqlite3, psycopg) gives for the least each target needs
floors: $(DEV_STAMP)
	$(BIN)/python -m tests.perf.floors $(FLOORS_ARGS)

## bench-live: click to every pupil's device in a live session, 30 and 1,000 pupils, both databases
bench-live: $(DEV_STAMP)
	$(BIN)/python -m tests.perf.live_bench $(LIVE_BENCH_ARGS)

## burst: 300 learners in 10 classes, 10,000 answers with retries, the server killed mid-burst
burst: $(DEV_STAMP)
	$(BIN)/python -m tests.perf.burst $(BURST_ARGS)

## crowd: 50, 200 and 800 learners starting and answering at once, on SQLite and PostgreSQL
crowd: $(DEV_STAMP)
	$(BIN)/python -m tests.perf.crowd $(CROWD_ARGS)

## lighthouse: Lighthouse (mobile) on the home, a lesson and the help page; fails under the bars
lighthouse: $(DEV_STAMP) browsers
	@[ -x $(LIGHTHOUSE) ] || { command -v npm >/dev/null || { \
		echo "make lighthouse needs Node.js and npm (apt-get install nodejs npm)" >&2; exit 1; }; \
		mkdir -p .lighthouse && npm install --prefix .lighthouse --no-audit --no-fund --silent \
			lighthouse@$(LIGHTHOUSE_VERSION); }
	$(BIN)/python -m tests.perf.lighthouse $(LIGHTHOUSE_ARGS)

## screenshots: the README's lesson and quiz screenshots (phone, desktop) into docs/screenshots/
screenshots: $(DEV_STAMP) browsers
	$(BIN)/python -m tests.perf.screenshots

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
