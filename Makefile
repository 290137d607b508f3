# Tradepost. Two set-up commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run test check fmt clean fuzz-api bench-notify bench-search bench-pages bench-trust bench-orders bench-screening messages

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make run: build .venv, migrate the embedded SQLite database, load demo data once, serve.
## A background-task worker (notice emails, Terms update fan-outs) runs beside the server and
## stops with it; it does not reload on code changes, so restart `make run` after editing tasks.
run: install
	DEBUG=1 $(BIN)/tradepost migrate --noinput
	DEBUG=1 $(BIN)/tradepost demo_data --base-url http://$(HOST):$(PORT)
	DEBUG=1 $(BIN)/tradepost db_worker --no-reload --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/tradepost runserver $(HOST):$(PORT)

## make test: the whole suite (unit, API, browser journeys), on two workers (pytest-xdist).
TEST_WORKERS ?= 2
test: install
	$(BIN)/pytest -n $(TEST_WORKERS)

## make fuzz-api: schemathesis over every operation of /api/v1/openapi.json, anonymous and as
## a supplier and a buyer, on a throw-away test database: no server error, every response
## conforms to the schema. Deterministic; FUZZ_EXAMPLES per operation (1-2 minutes at 25).
FUZZ_EXAMPLES ?= 25
fuzz-api: install
	TRADEPOST_FUZZ_API=1 TRADEPOST_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q -n 0 -p no:randomly tests/fuzz

## make check: ruff (lint with type-hint and aware-datetime rules, format), the import contracts
## (the app layers, pyproject.toml) and mypy with django-stubs on src/.
check: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

fmt: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

## make messages: re-extract the UI strings marked for translation (templates and Python, not
## .venv) into src/tradepost/locale/zh_Hans/LC_MESSAGES/django.po, then compile django.mo.
## Needs GNU gettext (xgettext, msgmerge, msgfmt); commit both files.
messages: install
	cd src/tradepost && ../../$(BIN)/django-admin makemessages -l zh_Hans --ignore=.venv --ignore='*/migrations/*' --no-obsolete
	cd src/tradepost && ../../$(BIN)/django-admin compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) var .pytest_cache

## make bench-notify: time telling NOTIFY_MEMBERS members of a new Terms version (fan-out and
## emails) on a throw-away database; writes bench/results/notify_fanout_<database>.json.
NOTIFY_MEMBERS ?= 100000
bench-notify: install
	$(BIN)/python bench/notify_fanout.py --members $(NOTIFY_MEMBERS)

## make bench-search: listing search on a synthetic catalog of N listings (default 1,000,000),
## per backend in BACKENDS (PostgreSQL: a throw-away cluster); writes
## bench/results/search-<backend>.json and prints a table. E.g. make bench-search N=100000;
## BENCH_ARGS passes more options (e.g. BENCH_ARGS="--icontains 20").
N ?= 1000000
BACKENDS ?= sqlite postgres
BENCH_ARGS ?=
bench-search: install
	for backend in $(BACKENDS); do \
	  $(BIN)/python bench/search_bench.py --backend $$backend --n $(N) $(BENCH_ARGS) || exit 1; \
	done

## make bench-pages: server time (p50/p99) and queries of home, search, listing, storefront and
## the dashboards at the demo data size, PAGES_REQUESTS requests each through Django's test
## client on a throw-away SQLite database; writes bench/results/pages.json and prints a table.
PAGES_REQUESTS ?= 200
bench-pages: install
	$(BIN)/python bench/pages_bench.py --requests $(PAGES_REQUESTS)

## make bench-trust: related-account clusters (clause 6.2 (i)) on a synthetic graph of
## TRUST_MEMBERS members and TRUST_SIGNALS signals in a throw-away SQLite database: the floor
## (reading every signal row), the full rebuild, the clustering step against networkx, the
## incremental add p50/p99 and peak memory; writes bench/results/trust.json, prints a table.
TRUST_MEMBERS ?= 1000000
TRUST_SIGNALS ?= 3000000
bench-trust: install
	$(BIN)/python bench/bench_trust.py --members $(TRUST_MEMBERS) --signals $(TRUST_SIGNALS)

## make bench-orders: orders placed, accepted and paid (Idempotency-Key) through the API by
## ORDERS_CLIENTS keep-alive clients against gunicorn (ORDERS_WORKERS x ORDERS_THREADS gthread)
## on a throw-away database per backend in ORDERS_BACKENDS (PostgreSQL: a throw-away cluster
## on ORDERS_PG_PORT): per step p50/p99 and server CPU per request beside the floor (an
## authenticated GET /api/v1/members/me), peak complete orders/s, p99 at half the peak rate,
## the ledger check; writes bench/results/orders-<backend>.json, prints a table (issue 11).
ORDERS_BACKENDS ?= sqlite postgres
ORDERS_WORKERS ?= 2
ORDERS_THREADS ?= 2
ORDERS_CLIENTS ?= 4
ORDERS_PG_PORT ?= 55442
bench-orders: install
	for backend in $(ORDERS_BACKENDS); do \
	  $(BIN)/python bench/orders_bench.py --backend $$backend --workers $(ORDERS_WORKERS) \
	    --threads $(ORDERS_THREADS) --clients $(ORDERS_CLIENTS) --pg-port $(ORDERS_PG_PORT) \
	    $(BENCH_ARGS) || exit 1; \
	done

## make bench-screening: sanctions name screening (issue 12) on the real lists of
## ../shared/sanctions-data/ (imported through `tradepost sanctions import`; parts whose files
## are absent are skipped) plus a synthetic list of SCREEN_ENTRIES entries (3 aliases each), in
## a throw-away SQLite database: screen_name p50/p99 and throughput per core, the matcher-level
## rescreen of SCREEN_MEMBERS members over every core, the rescreen through the database on
## SCREEN_DB_MEMBERS member rows, index memory, recall/precision on the yente sets, the
## acceptance cases, parity with OFAC's scores, and brute force (the same scorer over every
## name) as the baseline; writes bench/results/screening.json and prints a table.
SCREEN_MEMBERS ?= 1000000
SCREEN_DB_MEMBERS ?= 10000
SCREEN_ENTRIES ?= 20000
bench-screening: install
	$(BIN)/python bench/screening_bench.py --members $(SCREEN_MEMBERS) \
	  --db-members $(SCREEN_DB_MEMBERS) --synthetic-entries $(SCREEN_ENTRIES) $(BENCH_ARGS)
