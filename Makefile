# The two commands: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check lint format check-content migrate bench crowd browsers clean film

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: install, migrate and serve at http://$${COURSE_HOST:-127.0.0.1}:$${COURSE_PORT:-8000}
run: $(STAMP)
	$(BIN)/course check-content
	$(BIN)/course migrate
	$(BIN)/course purge
	$(BIN)/course serve

## test: lint, types, and the whole suite (unit, web, browser)
test: $(STAMP) browsers check
	$(BIN)/pytest

## check: ruff (lint and format), mypy, and the import contracts (layers) in pyproject.toml
check: $(STAMP)
	$(BIN)/ruff check course tests
	$(BIN)/ruff format --check course tests
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format course tests
	$(BIN)/ruff check --fix course tests

check-content: $(STAMP)
	$(BIN)/course check-content

migrate: $(STAMP)
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
film: $(STAMP) browsers
	@if command -v ffmpeg >/dev/null && command -v espeak-ng >/dev/null; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			ffmpeg espeak-ng fonts-dejavu-core; \
	else \
		echo "make film needs ffmpeg and espeak-ng: apt-get install ffmpeg espeak-ng" >&2; exit 1; \
	fi
	$(BIN)/python -m course.film.production.build

## bench: requests per second and latency of the app against a bare FastAPI route
bench: $(STAMP)
	$(BIN)/python tests/perf/bench.py

## crowd: 50, 200 and 800 learners starting and answering at once, on SQLite and PostgreSQL
crowd: $(STAMP)
	$(BIN)/python -m tests.perf.crowd $(CROWD_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
