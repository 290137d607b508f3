"""make bench-search: listing search on a synthetic catalog, one backend per run.

    python bench/search_bench.py --backend sqlite --n 1000000
    python bench/search_bench.py --backend postgres --n 100000

Builds a throw-away database (SQLite file, or a PostgreSQL cluster started here and stopped
at the end), bulk-loads a seeded catalog (not through the services), then measures:

- index build: `search.rebuild_index()` over every listing, listings/s and bytes on disk;
- a fixed query mix (single words, two-word phrases, two words; half with one to three
  filters) through the search service in-process, the same SQL replayed on a raw driver
  connection (no Django), and the JSON API through Django's test client (middleware, rate
  limit, JSON); one pass per layer per round, after a warm-up round; wall-clock and CPU;
- a sample of the mix as the naive `icontains` ORM query (count and first page), with the
  service on the same sample, for the speed-up;
- (PostgreSQL) the peers' way as a baseline: Saleor's query shape, `websearch_to_tsquery` and
  `ts_rank` over every match of a GIN-indexed weighted tsvector, ordered by rank, LIMIT 20,
  over the same mix (the exact filters, MOQ and lowest price as plain WHERE clauses), raw
  SQL on a table of its own that does not count towards the index size;
- hiding and restoring the largest supplier's listings (supplier_visibility_changed).

Writes bench/results/search-<backend>.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import search_data  # noqa: E402

RESULTS = HERE / "results"
API = "/api/v1/listings"
REFERENCE = datetime(2026, 1, 1, tzinfo=UTC)
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
# Per backend: SQLite's from issue 4, PostgreSQL's from issue 8.
TARGETS = {
    "sqlite": {"api_p50_ms": 5.0, "api_p99_ms": 50.0, "build_listings_per_s": 20_000,
               "index_gb_per_million": 0.6},
    "postgres": {"api_p50_ms": 10.0, "api_p99_ms": 50.0, "build_listings_per_s": 15_000,
                 "index_gb_per_million": 0.6},
}  # fmt: skip


# --- A throw-away PostgreSQL --------------------------------------------------------------


class Postgres:
    """initdb + pg_ctl in a temporary directory (as user postgres when run as root)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "pgdata"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_pg, *args], check=True, stdout=subprocess.DEVNULL)  # noqa: S603

    def start(self) -> str:
        if self.as_pg:
            shutil.chown(self.root, "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "tradepost", "-A", "trust")
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c shared_buffers=1GB -c work_mem=64MB "
            "-c maintenance_work_mem=1GB -c max_wal_size=8GB -c jit=off"
        )
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "pg.log"),
            "-w", "-o", options, "start",
        )  # fmt: skip
        self._run(
            str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
            "-U", "tradepost", "tradepost",
        )  # fmt: skip
        return f"postgres://tradepost@127.0.0.1:{self.port}/tradepost"

    def stop(self) -> None:
        subprocess.run(  # noqa: S603 (fixed arguments, no shell)
            [*self.as_pg, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


# --- Loading the catalog ------------------------------------------------------------------


def slug(name: str) -> str:
    return "b-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def load_catalog(n: int, seed: int) -> dict:
    """Categories, suppliers and n listings with price tiers, written in bulk."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from tradepost.catalog.models import Category, SupplierProfile
    from tradepost.members.models import Member, User

    unusable = make_password(None)
    n_suppliers = max(50, n // 200)
    supplier_facts = search_data.suppliers(n_suppliers, seed)
    rng = random.Random(seed ^ 0xBEEF)
    with transaction.atomic():
        parents = {
            name: Category.objects.create(slug=slug(name), name=name, position=i)
            for i, name in enumerate(search_data.TREE)
        }
        leaves = {
            leaf: Category.objects.create(slug=slug(leaf), name=leaf, parent=parents[parent])
            for parent, leaf in search_data.leaves()
        }
        users = User.objects.bulk_create(
            User(username=f"bench{i:07d}", password=unusable, email=f"s{i}@bench.example")
            for i in range(n_suppliers)
        )
        members = Member.objects.bulk_create(
            Member(
                user=user,
                member_id=f"{country.lower()}{i:010d}",
                site="alibaba",
                company_name=f"Bench Supplier {i} Co., Ltd.",
                business_type="manufacturer",
                country=country,
                access_country=country,
                address=f"{i} Industrial Park",
                contact_name=f"Contact {i}",
                email=f"s{i}@bench.example",
                phone=f"+86138{i:08d}",
                is_buyer=False,
                is_supplier=True,
                status="suspended" if rng.random() < 0.01 else "active",
                contracting_entity="bench",
                contracting_rule="bench",
                contracting_clause="2.1",
            )
            for i, (user, (country, _)) in enumerate(zip(users, supplier_facts, strict=True))
        )
        SupplierProfile.objects.bulk_create(
            SupplierProfile(member=m, verified=True)
            for m, (_, verified) in zip(members, supplier_facts, strict=True)
            if verified
        )
        member_pks = [m.pk for m in members]
        leaf_pks = {leaf: c.pk for leaf, c in leaves.items()}
        writer = _sqlite_rows if connection.vendor == "sqlite" else _postgres_rows
        writer(n, seed, member_pks, supplier_facts, leaf_pks)
    return {"suppliers": n_suppliers, "categories": len(parents) + len(leaves)}


LISTING_COLUMNS = (
    "id, supplier_id, title, description, category_id, attributes, keywords, currency, moq, "
    "unit, lead_time_days, port, incoterm, sample_available, ships_to, status, screening, "
    "screening_decision, original, min_unit_price, supplier_country, created_at, updated_at, "
    "published_at"
)


def _listing_rows(n, seed, member_pks, supplier_facts, leaf_pks):
    """(listing row, tier rows) per listing, as Python values."""
    rng = random.Random(seed ^ 0xC0FFEE)
    for i, row in enumerate(search_data.generate(n, seed, len(member_pks)), start=1):
        published = REFERENCE - timedelta(days=row.days_ago, seconds=(i * 7919) % 86400)
        status = "published" if rng.random() < 0.97 else "draft"
        currency = rng.choices(("USD", "EUR", "CNY"), (92, 5, 3))[0]
        tiers = [(qty, Decimal(f"{price:.2f}")) for qty, price in row.tiers]
        listing = [
            i,
            member_pks[row.supplier],
            row.title,
            row.description,
            leaf_pks[row.leaf],
            "[]",
            json.dumps(row.keywords),
            currency,
            row.moq,
            row.unit,
            None,
            "Shenzhen",
            "FOB",
            row.sample,
            "[]",
            status,
            "{}",
            "publish",
            None,
            min(p for _, p in tiers),
            supplier_facts[row.supplier][0],
            published,
            published,
            published if status == "published" else None,
        ]
        yield listing, [(i, qty, price) for qty, price in tiers]


def _sqlite_rows(n, seed, member_pks, supplier_facts, leaf_pks) -> None:
    from django.db import connection

    def stamp(value):
        return None if value is None else value.replace(tzinfo=None).isoformat(" ")

    marks = ", ".join(["%s"] * len(LISTING_COLUMNS.split(",")))
    listings, tiers = [], []
    with connection.cursor() as cursor:

        def flush():
            cursor.executemany(
                f"INSERT INTO catalog_listing ({LISTING_COLUMNS}) VALUES ({marks})", listings
            )
            cursor.executemany(
                "INSERT INTO catalog_pricetier (listing_id, min_qty, unit_price) "
                "VALUES (%s, %s, %s)",
                tiers,
            )
            listings.clear()
            tiers.clear()

        for listing, ladder in _listing_rows(n, seed, member_pks, supplier_facts, leaf_pks):
            listing[13] = int(listing[13])
            listing[19] = str(listing[19])
            listing[21:24] = [stamp(v) for v in listing[21:24]]
            listings.append(listing)
            tiers.extend((i, q, str(p)) for i, q, p in ladder)
            if len(listings) == 20_000:
                flush()
        flush()


def _postgres_rows(n, seed, member_pks, supplier_facts, leaf_pks) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY catalog_listing ({LISTING_COLUMNS}) FROM STDIN") as copy:
            tiers = []
            for listing, ladder in _listing_rows(n, seed, member_pks, supplier_facts, leaf_pks):
                copy.write_row(listing)
                tiers.extend(ladder)
        with raw.copy(
            "COPY catalog_pricetier (listing_id, min_qty, unit_price) FROM STDIN"
        ) as copy:
            for tier in tiers:
                copy.write_row(tier)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('catalog_listing', 'id'), max(id)) "
            "FROM catalog_listing"
        )
        cursor.execute("ANALYZE catalog_listing")
        cursor.execute("ANALYZE catalog_pricetier")


def index_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE 'catalog_search%' "
                "OR name LIKE 'sqlite_autoindex_catalog_search%'"
            )
        else:
            cursor.execute("SELECT pg_total_relation_size('catalog_search_doc')")
        return int(cursor.fetchone()[0])


# --- The query mix ------------------------------------------------------------------------


def query_mix(count: int, seed: int) -> list[dict]:
    """Half without filters, half with one to three; words drawn from the catalog's vocabulary."""
    rng = random.Random(seed ^ 0x51EA)
    nouns = [noun for kids in search_data.TREE.values() for ps in kids.values() for noun in ps]
    phrases = [p for p in nouns + search_data.MATERIALS if " " in p]
    words = sorted(
        {w for p in nouns + search_data.MATERIALS for w in p.split() if len(w) > 2}
        | {"waterproof", "portable", "wireless", "custom", "wholesale", "factory", "quality"}
    )
    parents = list(search_data.TREE)
    leaves = [leaf for _, leaf in search_data.leaves()]
    countries = [c for c, _ in search_data.COUNTRIES]
    weights = [w for _, w in search_data.COUNTRIES]
    mix = []
    for i in range(count):
        kind = rng.choices(("word", "phrase", "two words"), (45, 35, 20))[0]
        if kind == "word":
            q = rng.choice(words)
        elif kind == "phrase":
            q = f'"{rng.choice(phrases)}"'
        else:
            q = f"{rng.choice(search_data.MATERIALS).split()[-1]} {rng.choice(nouns).split()[-1]}"
        params = {"q": q}
        filtered = i % 2 == 1
        if filtered:
            for name in rng.sample(
                ["category", "country", "verified", "sample", "price", "moq_max", "sort"],
                rng.randint(1, 3),
            ):
                if name == "category":
                    pick = rng.choice(parents) if rng.random() < 0.5 else rng.choice(leaves)
                    params["category"] = slug(pick)
                elif name == "country":
                    params["country"] = rng.choices(countries, weights)[0]
                elif name in ("verified", "sample"):
                    params[name] = "true"
                elif name == "price":
                    low = round(rng.lognormvariate(1.0, 1.0), 2)
                    params["min_price"] = str(low)
                    params["max_price"] = str(round(low * rng.uniform(2, 6), 2))
                    if rng.random() < 0.5:
                        params["qty"] = str(rng.choice((10, 100, 500, 1000)))
                elif name == "moq_max":
                    params["moq_max"] = str(rng.choice((10, 100, 500, 1000)))
                else:
                    params["sort"] = rng.choice(("newest", "price", "-price"))
        if rng.random() < 0.1:
            params["page"] = str(rng.randint(2, 5))
        mix.append({"params": params, "kind": kind, "filtered": filtered})
    return mix


# --- The peers' way (Saleor's query shape), PostgreSQL only --------------------------------

SALEOR_TABLE = "bench_saleor_listing"


def saleor_build() -> dict:
    """Saleor keeps a weighted `search_vector` on the product row with a GIN index; here a
    table of the searchable listings with the columns the mix filters on."""
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""CREATE TABLE {SALEOR_TABLE} AS SELECT l.id, l.category_id, l.supplier_country,
                coalesce(p.verified, false) AS verified, l.sample_available, l.currency,
                l.min_unit_price, l.moq, l.published_at,
                setweight(to_tsvector('english', l.title), 'A')
                || setweight(jsonb_to_tsvector('english', l.keywords, '["string"]'), 'B')
                || setweight(to_tsvector('english', l.description), 'C') AS search_vector
            FROM catalog_listing l JOIN members_member m ON m.id = l.supplier_id
            LEFT JOIN catalog_supplierprofile p ON p.member_id = l.supplier_id
            WHERE l.status = 'published' AND m.status = 'active' AND m.is_supplier"""
        )
        cursor.execute(
            f"CREATE INDEX {SALEOR_TABLE}_gin ON {SALEOR_TABLE} USING gin (search_vector)"
        )
        cursor.execute(f"ANALYZE {SALEOR_TABLE}")
        cursor.execute(f"SELECT pg_total_relation_size('{SALEOR_TABLE}')")
        size = cursor.fetchone()[0]
    return {"build_seconds": round(time.perf_counter() - start, 2), "bytes": size}


def saleor_sql(params: dict) -> tuple[str, list]:
    """One search of the mix in Saleor's shape: every match ranked, the best 20 kept."""
    from tradepost.catalog import search

    query = search.parse_search_params(params)
    where, args = ["search_vector @@ q"], [params.get("q", "")]
    if query.category:
        where.append("category_id = ANY(%s)")
        args.append(search._category_ids(query.category))
    for column, value in (
        ("supplier_country", query.country),
        ("verified", query.verified),
        ("sample_available", query.sample),
        ("currency", query.price_currency if query.prices_compared else None),
    ):
        if value is not None:
            where.append(f"{column} = %s")
            args.append(value)
    for column, op, value in (
        ("min_unit_price", ">=", query.min_price),
        ("min_unit_price", "<=", query.max_price),
        ("moq", "<=", min((x for x in (query.qty, query.moq_max) if x is not None), default=None)),
    ):
        if value is not None:
            where.append(f"{column} {op} %s")
            args.append(value)
    offset = (query.page - 1) * 20
    sql = (
        f"SELECT id FROM {SALEOR_TABLE}, websearch_to_tsquery('english', %s) q "
        f"WHERE {' AND '.join(where)} ORDER BY ts_rank(search_vector, q) DESC, id "
        f"LIMIT 20 OFFSET {offset}"
    )
    return sql, args


def saleor_measure(mix: list[dict], database_url: str) -> dict:
    """The mix once to warm up, then once measured, on a raw driver connection."""
    import psycopg

    samples = []
    with psycopg.connect(
        database_url, autocommit=True, cursor_factory=psycopg.ClientCursor
    ) as conn:
        statements = [saleor_sql(item["params"]) for item in mix]
        for round_ in range(2):
            for item, (sql, args) in zip(mix, statements, strict=True):
                start = time.perf_counter()
                conn.execute(sql, args).fetchall()
                if round_:
                    samples.append((item, time.perf_counter() - start))
    return {
        "all": percentiles([t for _, t in samples]),
        "with_filters": percentiles([t for i, t in samples if i["filtered"]]),
        "without_filters": percentiles([t for i, t in samples if not i["filtered"]]),
    }


# --- Measuring ----------------------------------------------------------------------------


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 3)

    return {
        "n": len(ordered),
        "p50": at(0.50),
        "p95": at(0.95),
        "p99": at(0.99),
        "mean": round(statistics.fmean(ordered) * 1000, 3),
    }


class Recorder:
    """Keeps the SQL a call ran (Django execute_wrapper), to replay it without Django."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append((sql, params))
        return execute(sql, params, many, context)


def raw_connection(database_url: str, sqlite_path: str | None):
    if sqlite_path:
        import sqlite3

        from django.conf import settings

        conn = sqlite3.connect(sqlite_path, isolation_level=None)
        conn.executescript(settings.DATABASES["default"]["OPTIONS"]["init_command"])
        return conn
    import psycopg

    # Client-side binding, as Django's PostgreSQL backend sends queries: with server-side
    # parameters the planner may switch to a generic plan that cannot see the tsquery.
    return psycopg.connect(database_url, autocommit=True, cursor_factory=psycopg.ClientCursor)


def replay(conn, statements, sqlite: bool) -> float:
    qmark = re.compile(r"(?<!%)%s")
    start = time.perf_counter()
    for sql, params in statements:
        if sqlite:
            conn.execute(qmark.sub("?", sql).replace("%%", "%"), params or ()).fetchall()
        else:
            with conn.cursor() as cursor:
                cursor.execute(sql, params)
                if cursor.description:
                    cursor.fetchall()
    return time.perf_counter() - start


def naive_icontains(params: dict) -> float:
    """The search as a newcomer would write it with the ORM: LIKE over every listing."""
    from django.db.models import Q

    from tradepost.catalog import search
    from tradepost.catalog.models import Category, Listing

    query = search.parse_search_params(params)
    start = time.perf_counter()
    qs = Listing.objects.filter(
        status="published", supplier__status="active", supplier__is_supplier=True
    )
    for term in query.terms:
        phrase = " ".join(term.words)
        qs = qs.filter(Q(title__icontains=phrase) | Q(description__icontains=phrase))
    if query.category:
        root = Category.objects.get(slug=query.category)
        qs = qs.filter(Q(category=root) | Q(category__parent=root))
    if query.country:
        qs = qs.filter(supplier_country=query.country)
    if query.verified:
        qs = qs.filter(supplier__supplier_profile__verified=True)
    if query.sample:
        qs = qs.filter(sample_available=True)
    if query.price_currency:
        qs = qs.filter(currency=query.price_currency)
    if query.moq_max:
        qs = qs.filter(moq__lte=query.moq_max)
    if query.min_price is not None:
        qs = qs.filter(min_unit_price__gte=query.min_price)
    if query.max_price is not None:
        qs = qs.filter(min_unit_price__lte=query.max_price)
    order = {"price": "min_unit_price", "-price": "-min_unit_price"}.get(
        query.sort, "-published_at"
    )
    qs.count()
    offset = (query.page - 1) * 20
    list(qs.order_by(order).values_list("id", flat=True)[offset : offset + 20])
    return time.perf_counter() - start


def _timed(fn) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one call (CPU: this thread only, so other processes
    on a shared machine do not count)."""
    wall, cpu = time.perf_counter(), time.thread_time()
    fn()
    return time.perf_counter() - wall, time.thread_time() - cpu


def measure(mix: list[dict], args, database_url: str, sqlite_path: str | None) -> dict:
    from django.db import connection
    from django.test import Client

    from tradepost.catalog import search

    sqlite = sqlite_path is not None
    raw = raw_connection(database_url, sqlite_path)
    client = Client()
    samples: dict[str, list] = {"service": [], "raw_sql": [], "api": []}
    # One pass per layer, so that no layer runs on caches another just warmed for it.
    for round_ in range(args.rounds + 1):  # the first round warms caches and is not kept
        recorded = []
        for item in mix:
            recorder = Recorder()
            with connection.execute_wrapper(recorder):
                timing = _timed(
                    lambda p=item["params"]: search.search(search.parse_search_params(p))
                )
            recorded.append(recorder.statements)
            if round_:
                samples["service"].append((item, timing))
        for item, statements in zip(mix, recorded, strict=True):
            timing = _timed(lambda s=statements: replay(raw, s, sqlite))
            if round_:
                samples["raw_sql"].append((item, timing))
        for item in mix:
            responses = []
            timing = _timed(lambda p=item["params"], out=responses: out.append(client.get(API, p)))
            if responses[0].status_code != 200:
                raise SystemExit(f"API answered {responses[0].status_code} for {item['params']}")
            if round_:
                samples["api"].append((item, timing))
    raw.close()

    def split(pairs, which: int) -> dict:
        chosen = [(item, times[which]) for item, times in pairs]
        return {
            "all": percentiles([s for _, s in chosen]),
            "without_filters": percentiles([s for i, s in chosen if not i["filtered"]]),
            "with_filters": percentiles([s for i, s in chosen if i["filtered"]]),
            **{kind: percentiles([s for i, s in chosen if i["kind"] == kind]) for kind in
               ("word", "phrase", "two words")},
        }  # fmt: skip

    sample = mix[:: max(1, len(mix) // args.icontains)][: args.icontains]
    naive, fts = [], []
    for item in sample:
        naive.append(naive_icontains(item["params"]))
        start = time.perf_counter()
        search.search(search.parse_search_params(item["params"]))
        fts.append(time.perf_counter() - start)
    report = {name: split(pairs, 0) for name, pairs in samples.items()}
    report["cpu"] = {name: split(pairs, 1) for name, pairs in samples.items()}
    report["icontains_sample"] = {"icontains": percentiles(naive), "service": percentiles(fts)}
    return report


def supplier_visibility() -> dict:
    """Suspend and reinstate the supplier with the most listings: the index follows at once."""
    from django.db import connection, transaction
    from django.db.models import Count

    from tradepost.catalog import search
    from tradepost.catalog.models import Listing
    from tradepost.members.models import Member

    top = (
        Listing.objects.filter(status="published", supplier__status="active")
        .values("supplier_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    timings = {}
    for status, visible in (("suspended", False), ("active", True)):
        with transaction.atomic():
            Member.objects.filter(pk=top["supplier_id"]).update(status=status)
            start = time.perf_counter()
            search.supplier_visibility_changed(member_pk=top["supplier_id"], visible=visible)
            timings["hide_ms" if not visible else "show_ms"] = round(
                (time.perf_counter() - start) * 1000, 1
            )
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"listings": top["n"], **timings}


def incremental_updates(count: int = 200) -> dict:
    """index_listing after a title edit, as the listing services run it."""
    from django.db import transaction

    from tradepost.catalog import search
    from tradepost.catalog.models import Listing

    ids = list(
        Listing.objects.filter(status="published")
        .order_by("?")
        .values_list("pk", flat=True)[:count]
    )
    samples = []
    for pk in ids:
        with transaction.atomic():
            listing = Listing.objects.get(pk=pk)
            listing.title = listing.title + " new"
            start = time.perf_counter()
            listing.save(update_fields=["title"])
            search.index_listing(listing)
            samples.append(time.perf_counter() - start)
    return percentiles(samples)


# --- Running ------------------------------------------------------------------------------


def configure(backend: str, root: Path) -> tuple[str, str | None, Postgres | None]:
    cluster = None
    sqlite_path = None
    if backend == "postgres":
        cluster = Postgres(root)
        url = cluster.start()
    else:
        sqlite_path = str(root / "bench.sqlite3")
        url = f"sqlite:///{sqlite_path}"
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="tradepost.config.settings",
        TRADEPOST_DATA_DIR=str(root),
        DEBUG="0",
        HTTPS="0",
        SECRET_KEY="bench-" + "x" * 50,
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="WARNING",
        RATE_LIMIT_SEARCH_ADDRESS="1000000000/60",
        RATE_LIMIT_SEARCH_MEMBER="1000000000/60",
        # Persistent connections, as a PostgreSQL deployment runs (see README): otherwise
        # every API request pays for a new connection and its cold catalog caches.
        CONN_MAX_AGE="600",
    )
    return url, sqlite_path, cluster


def run(args) -> dict:
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    root = Path(tempfile.mkdtemp(prefix="tradepost-bench-"))
    url, sqlite_path, cluster = configure(args.backend, root)
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        from tradepost.catalog import search

        call_command("migrate", verbosity=0)
        start = time.perf_counter()
        catalog = load_catalog(args.n, args.seed)
        load_s = time.perf_counter() - start
        start = time.perf_counter()
        indexed = search.rebuild_index()
        build_s = time.perf_counter() - start
        size = index_bytes()
        mix = query_mix(args.queries, args.seed)
        latency = measure(mix, args, url, sqlite_path)
        saleor = None
        if not sqlite_path:
            saleor = saleor_build()
            saleor["latency_ms"] = saleor_measure(mix, url)
        with connection.cursor() as cursor:
            cursor.execute("SELECT sqlite_version()" if sqlite_path else "SHOW server_version")
            version = cursor.fetchone()[0]
        report = {
            "backend": args.backend,
            "database_version": version,
            "listings": args.n,
            "indexed": indexed,
            **catalog,
            "seed": args.seed,
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "load_average_at_start": load_at_start,
                        "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
            "load_seconds": round(load_s, 1),
            "index": {
                "build_seconds": round(build_s, 2),
                "listings_per_second": round(indexed / build_s),
                "bytes": size,
                "gb_per_million_listings": round(size / 1e9 / (args.n / 1e6), 3),
            },
            "query_mix": {"queries": len(mix), "rounds": args.rounds,
                          "icontains_sample": args.icontains},
            "latency_ms": latency,
            "saleor_shape_baseline": saleor,
            "supplier_visibility": supplier_visibility(),
            "index_listing_ms": incremental_updates(),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "settings": {
                name: getattr(settings, name)
                for name in ("SEARCH_WINDOW", "SEARCH_PAGE_SIZE", "SEARCH_MAX_PAGE")
            },
        }  # fmt: skip
        report["targets"] = check_targets(report)
        return report
    finally:
        if cluster:
            cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def check_targets(report: dict) -> dict:
    target = TARGETS[report["backend"]]
    lat = report["latency_ms"]
    api = lat["api"]["with_filters"]
    service, raw = lat["service"]["all"]["p50"], lat["raw_sql"]["all"]["p50"]
    sample = lat["icontains_sample"]
    speedup = sample["icontains"]["p50"] / max(sample["service"]["p50"], 1e-9)
    checks = {
        f"api_p50_with_filters_at_most_{target['api_p50_ms']:g}ms": api["p50"]
        <= target["api_p50_ms"],
        f"api_p99_with_filters_at_most_{target['api_p99_ms']:g}ms": api["p99"]
        <= target["api_p99_ms"],
        "service_p50_within_2x_raw_plus_0_5ms": service <= 2 * raw + 0.5,
        "icontains_speedup_p50": round(speedup, 1),
        "icontains_speedup_at_least_100x": speedup >= 100,
        f"build_at_least_{target['build_listings_per_s']}_per_s": report["index"][
            "listings_per_second"
        ]
        >= target["build_listings_per_s"],
        f"index_at_most_{target['index_gb_per_million']}_gb_per_million": report["index"][
            "gb_per_million_listings"
        ]
        <= target["index_gb_per_million"],
    }
    saleor = report.get("saleor_shape_baseline")
    if saleor:
        base = saleor["latency_ms"]["all"]
        checks["saleor_shape_over_raw_sql_p50"] = round(base["p50"] / max(raw, 1e-9), 1)
        checks["saleor_shape_over_raw_sql_p99"] = round(
            base["p99"] / max(lat["raw_sql"]["all"]["p99"], 1e-9), 1
        )
    return checks


def print_table(r: dict) -> None:
    lat = r["latency_ms"]
    mix = r["query_mix"]
    print(
        f"\nsearch bench: {r['backend']} {r['database_version']}, {r['listings']:,} listings "
        f"({r['indexed']:,} indexed), {mix['queries']} queries x {mix['rounds']} rounds"
    )
    idx = r["index"]
    print(
        f"index build {idx['build_seconds']:>7.1f} s  {idx['listings_per_second']:>7,} listings/s"
        f"  {idx['bytes'] / 1e6:>7.1f} MB  {idx['gb_per_million_listings']:.3f} GB per million"
    )
    print(f"{'latency ms':<28}{'p50':>9}{'p95':>9}{'p99':>9}")
    rows = [
        ("service (all)", lat["service"]["all"]),
        ("raw SQL, no Django (all)", lat["raw_sql"]["all"]),
        ("raw SQL, with filters", lat["raw_sql"]["with_filters"]),
        ("API (all)", lat["api"]["all"]),
        ("API without filters", lat["api"]["without_filters"]),
        ("API with filters", lat["api"]["with_filters"]),
        ("API with filters, CPU only", lat["cpu"]["api"]["with_filters"]),
        ("service, CPU only (all)", lat["cpu"]["service"]["all"]),
        ("icontains ORM (sample)", lat["icontains_sample"]["icontains"]),
        ("service (same sample)", lat["icontains_sample"]["service"]),
        ("index_listing after edit", r["index_listing_ms"]),
    ]
    saleor = r.get("saleor_shape_baseline")
    if saleor:
        rows[3:3] = [
            ("Saleor shape, raw SQL (all)", saleor["latency_ms"]["all"]),
            ("Saleor shape, with filters", saleor["latency_ms"]["with_filters"]),
        ]
    for label, p in rows:
        print(f"{label:<28}{p['p50']:>9.2f}{p['p95']:>9.2f}{p['p99']:>9.2f}")
    vis = r["supplier_visibility"]
    print(
        f"supplier_visibility_changed, {vis['listings']} listings: "
        f"hide {vis['hide_ms']} ms, show {vis['show_ms']} ms"
    )
    if saleor:
        print(
            f"Saleor shape: its table and GIN index built in {saleor['build_seconds']} s, "
            f"{saleor['bytes'] / 1e6:.1f} MB (not counted above)"
        )
    machine = r["machine"]
    start, end = machine["load_average_at_start"], machine["load_average_at_end"]
    print(f"load average (1, 5, 15 min) at start {start}, at end {end}")
    print("targets: " + ", ".join(f"{k}={v}" for k, v in r["targets"].items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--n", type=int, default=1_000_000, help="listings to generate")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--queries", type=int, default=600, help="queries in the mix")
    parser.add_argument("--rounds", type=int, default=2, help="measured passes over the mix")
    parser.add_argument("--icontains", type=int, default=40, help="mix sample for icontains")
    args = parser.parse_args()
    report = run(args)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"search-{args.backend}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)
    print(f"written: {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
