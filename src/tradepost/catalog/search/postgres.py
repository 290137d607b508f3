"""The PostgreSQL index: one weighted tsvector per listing in `catalog_search_doc`, with a
GIN index over it and over its title and title-and-keywords parts (migration 0005).

One row per published listing: docid (see keys.py), visibility, price/MOQ facts and `tsv`:
title (weight A), keywords (B) and description (D), with positions so that phrases match in
order, plus lexemes no query text can produce, prefixed '#' and of weight A: the exact-match
filter tags and the listing's *bucket* (its `seq` >> BUCKET_SHIFT: a bucket holds the
BUCKET_SIZE listings published one after another). The relevance tiers are GIN indexes on
`ts_filter(tsv, '{a}')` and `ts_filter(tsv, '{a,b}')`: they take no room in the rows, and,
the tags being of weight A, each holds the tags too, so a tier with filters is one scan.

Why buckets: GIN returns its matches in no useful order, so "the newest window + 1 matches"
means reading every match's row and sorting them, which at a million listings is tens of
thousands of rows for a common word; and walking the primary key in docid order instead
(the planner's other choice) scans the whole table when it guesses the matches wrong. So a
window is read bucket by bucket, newest first: the index intersects (words & filters &
newest buckets), and only those matches' rows are read. The next step takes enough older
buckets to fill the window at the rate of matches so far, and once the older buckets
should hold few matches, they are read in one step without a bucket clause (a long OR of
buckets costs the index more than reading a few thousand rows).

Common filters (most listings pass them) are checked on the docid's bits instead of as tags,
as on SQLite: intersecting with a posting list nearly as long as the table costs more.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper

from tradepost.catalog.search import keys
from tradepost.catalog.search.plan import (
    RATING_JOIN,
    TIERS,
    Plan,
    order_sql,
    price_filters,
    ranked_window,
)

DOC = "catalog_search_doc"
SEQ = "catalog_search_seq"
CONFIG = "english"
CHUNK = 1000
BUCKET_SHIFT = 14
BUCKET_SIZE = 1 << BUCKET_SHIFT
# Buckets read by the first step (newest first; the newest bucket may be nearly empty).
# Later steps read enough buckets to fill the window at the rate of matches so far (at
# most MAX_SPAN), and the rest is read in one step once it should hold at most
# REST_MATCHES matches.
FIRST_SPAN = 2
MAX_SPAN = 8
REST_MATCHES = 5000
REBUILD_MEMORY = 256 * 1024 * 1024

_TAGS = (
    "ARRAY['#c' || l.category_id, '#v' || coalesce(p.verified, false)::int, "
    "'#s' || l.sample_available::int, '#m' || lower(l.currency)] || "
    "CASE WHEN l.supplier_country <> '' THEN ARRAY['#k' || lower(l.supplier_country)] "
    "ELSE ARRAY[]::text[] END"
)


def _country_code_sql(column: str) -> str:
    cc = f"upper({column})"
    return (
        f"(CASE WHEN {cc} ~ '^[A-Z]{{2}}$' THEN "
        f"(ascii(substr({cc}, 1, 1)) - 64) * 27 + (ascii(substr({cc}, 2, 1)) - 64) "
        "ELSE 0 END)"
    )


# keys.docid_for in SQL, over the columns of _SOURCE.
_DOCID = (
    f"(({keys.SEQ_TOP} - s.seq) << {keys.SEQ_SHIFT}) | ((CASE WHEN s.category_id "
    f"BETWEEN 1 AND {keys.CATEGORY_MASK} THEN s.category_id ELSE 0 END) "
    f"<< {keys.CATEGORY_SHIFT}) | "
    f"({_country_code_sql('s.supplier_country')} << {keys.COUNTRY_SHIFT}) | "
    f"(CASE WHEN s.verified THEN {keys.VERIFIED_BIT} ELSE 0 END) | "
    f"(CASE WHEN s.sample_available THEN {keys.SAMPLE_BIT} ELSE 0 END)"
)
_INSERT = f"""INSERT INTO {DOC} (docid, listing_id, visible, published_at, currency, price, moq,
    tsv)
SELECT {_DOCID}, s.id, s.visible, s.published_at, s.currency, s.min_unit_price, s.moq,
    setweight(to_tsvector('{CONFIG}', s.title), 'A')
    || setweight(jsonb_to_tsvector('{CONFIG}', s.keywords, '["string"]'), 'B')
    || to_tsvector('{CONFIG}', s.description)
    || (array_to_string(s.tags || ('#b' || (s.seq >> {{bucket_shift}})), ':1A ')
        || ':1A')::tsvector"""
# The listings' rows and seq ({seq}): the outer SELECT reads them in this subquery's order.
_SOURCE = f"""FROM (SELECT {{seq}} AS seq, l.id, (m.status = 'active' AND m.is_supplier) AS visible,
        l.published_at, l.currency, l.min_unit_price, l.moq, l.title, l.keywords,
        l.description, l.category_id, l.supplier_country,
        coalesce(p.verified, false) AS verified, l.sample_available, {_TAGS} AS tags
    FROM catalog_listing l JOIN members_member m ON m.id = l.supplier_id
    LEFT JOIN catalog_supplierprofile p ON p.member_id = l.supplier_id
    {{joins}} WHERE l.status = 'published' {{where}} {{order}}) s"""

# The relevance tiers' vectors: the title's lexemes (weight A), and title and keywords'
# (A, B), as expressions over `tsv`, so that only their indexes take room.
TITLE = "ts_filter(tsv, '{a}')"
TITLE_KEYWORDS = "ts_filter(tsv, '{a,b}')"
# Dropped before a rebuild and made after it, each in one sorted pass (the primary key too).
INDEXES = {
    f"{DOC}_pkey": f"ALTER TABLE {DOC} ADD CONSTRAINT {DOC}_pkey PRIMARY KEY (docid)",
    f"{DOC}_tsv": f"CREATE INDEX {DOC}_tsv ON {DOC} USING gin (tsv) WHERE visible",
    f"{DOC}_title": f"CREATE INDEX {DOC}_title ON {DOC} USING gin (({TITLE})) WHERE visible",
    f"{DOC}_title_keywords": (
        f"CREATE INDEX {DOC}_title_keywords ON {DOC} USING gin (({TITLE_KEYWORDS})) WHERE visible"
    ),
    f"{DOC}_listing": f"CREATE UNIQUE INDEX {DOC}_listing ON {DOC} (listing_id)",
}


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    batch: list[int] = []
    for pk in ids:
        batch.append(pk)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


_KEEP_SEQ = (
    "CASE WHEN d.docid IS NOT NULL AND d.published_at IS NOT DISTINCT FROM l.published_at "
    f"THEN {keys.SEQ_TOP} - (d.docid >> {keys.SEQ_SHIFT}) ELSE nextval('{SEQ}') END"
)
_UPSERT = (
    _INSERT
    + " "
    + _SOURCE.format(
        seq=_KEEP_SEQ,
        joins=f"LEFT JOIN {DOC} d ON d.listing_id = l.id",
        where="AND l.id = ANY(%s)",
        order="ORDER BY l.published_at, l.id",
    )
    + """
ON CONFLICT (listing_id) DO UPDATE SET docid = EXCLUDED.docid, visible = EXCLUDED.visible,
    published_at = EXCLUDED.published_at, currency = EXCLUDED.currency,
    price = EXCLUDED.price, moq = EXCLUDED.moq, tsv = EXCLUDED.tsv"""
)


def _bucketed(sql: str) -> str:
    return sql.replace("{bucket_shift}", str(BUCKET_SHIFT))


def reindex(listing_ids: Iterable[int]) -> None:
    with connection.cursor() as cursor:
        for ids in _chunks(listing_ids):
            # Wait for a concurrent change of the suppliers' status (member_change_status
            # holds their rows FOR UPDATE) and read it, not the status before it.
            cursor.execute(
                "SELECT 1 FROM members_member WHERE id IN (SELECT supplier_id FROM "
                "catalog_listing WHERE id = ANY(%s)) FOR SHARE",
                [ids],
            )
            cursor.execute(
                f"""DELETE FROM {DOC} d WHERE d.listing_id = ANY(%s) AND NOT EXISTS (
                    SELECT 1 FROM catalog_listing l
                    WHERE l.id = d.listing_id AND l.status = 'published')""",
                [ids],
            )
            cursor.execute(_bucketed(_UPSERT), [ids])


def unindex(listing_ids: Iterable[int]) -> None:
    with connection.cursor() as cursor:
        for ids in _chunks(listing_ids):
            cursor.execute(f"DELETE FROM {DOC} WHERE listing_id = ANY(%s)", [ids])


def hide(listing_ids: Iterable[int]) -> None:
    """Clause 6.2 (iv): keep the rows (and their place) but out of every search."""
    with connection.cursor() as cursor:
        for ids in _chunks(listing_ids):
            cursor.execute(f"UPDATE {DOC} SET visible = false WHERE listing_id = ANY(%s)", [ids])


_PUBLISHED = "(SELECT count(*) FROM catalog_listing WHERE status = 'published')"
_REBUILD = (
    _INSERT
    + " "
    + _SOURCE.format(
        # Numbered newest first, over the listings' keys alone: sorting whole rows with
        # their text would cost more than the numbering.
        seq="o.seq",
        joins=f"""JOIN (SELECT id, {_PUBLISHED} + 1 - row_number() OVER (
            ORDER BY published_at DESC, id DESC) AS seq
            FROM catalog_listing WHERE status = 'published') o ON o.id = l.id""",
        where="",
        order="",
    )
)


def rebuild() -> int:
    """Index every published listing afresh; the indexes are built once, after loading."""
    with connection.cursor() as cursor:
        # GIN builds fastest in one pass in memory; raise the server's setting, never lower it.
        cursor.execute(
            "SELECT set_config('maintenance_work_mem', greatest(pg_size_bytes("
            "current_setting('maintenance_work_mem')), %s) / 1024 || 'kB', true)",
            [REBUILD_MEMORY],
        )
        cursor.execute(f"ALTER TABLE {DOC} DROP CONSTRAINT IF EXISTS {DOC}_pkey")
        for name in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute(f"TRUNCATE {DOC}")
        cursor.execute(_bucketed(_REBUILD))
        for ddl in INDEXES.values():
            cursor.execute(ddl)
        cursor.execute(
            f"SELECT setval('{SEQ}', (SELECT {keys.SEQ_TOP} - coalesce(min(docid >> "
            f"{keys.SEQ_SHIFT}), {keys.SEQ_TOP}) + 1 FROM {DOC}), false)"
        )
        cursor.execute(f"ANALYZE {DOC}")
        cursor.execute(f"SELECT count(*) FROM {DOC} WHERE visible")
        return cursor.fetchone()[0]


def _text_query(cursor: CursorWrapper, plan: Plan) -> tuple[str, int | None]:
    """The buyer's terms as a tsquery (text form), every term quoted, so words like "or"
    and "-" stay words (empty when nothing but stop words is left); and, in the same round
    trip, the newest docid in the index."""
    websearch = " ".join('"' + " ".join(t.words) + '"' for t in plan.terms)
    cursor.execute(
        f"SELECT CASE WHEN %s THEN websearch_to_tsquery('{CONFIG}', %s)::text ELSE '' END, "
        f"(SELECT min(docid) FROM {DOC})",
        [bool(plan.terms), websearch],
    )
    text, newest = cursor.fetchone()
    return text, newest


# --- Choosing how to apply each exact filter ----------------------------------------------
#
# As on SQLite (sqlite.py): a filter most listings pass (country CN, verified, samples) is
# slow as a tag, since the index then reads a posting list nearly as long as the table, and
# cheap as a check of the docid's bits on each match of the words; a filter few listings
# pass is the opposite. Each goes one way or the other by its share of a sample of the
# newest listings (refreshed every STATS_SECONDS). Categories and a rarer currency are tags.

BITS_SHARE = 0.2  # a filter passed by at least this share is checked on the docid's bits
BITS_COMBINED = 0.1  # ...as long as the bit filters together pass at least this share
SAMPLE_SIZE = 5000
STATS_SECONDS = 300


@dataclass
class _Shares:
    """Shares of the newest SAMPLE_SIZE visible listings per country and flag."""

    at: float = -1e9
    total: int = 0
    country: Counter[int] = field(default_factory=Counter)
    flags: Counter[int] = field(default_factory=Counter)

    def refresh(self) -> _Shares:
        now = time.monotonic()
        if now - self.at < STATS_SECONDS:
            return self
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT docid & {keys.LOW_MASK} FROM {DOC} WHERE visible ORDER BY docid "
                f"LIMIT {SAMPLE_SIZE}"
            )
            sample = [bits for (bits,) in cursor.fetchall()]
        self.at, self.total = now, len(sample)
        self.country = Counter(map(keys.country_code_of, sample))
        self.flags = Counter(b & (keys.VERIFIED_BIT | keys.SAMPLE_BIT) for b in sample)
        return self

    def flag(self, bit: int, wanted: bool) -> float:
        passed = sum(n for bits, n in self.flags.items() if bool(bits & bit) == wanted)
        return passed / self.total if self.total else 0.0


_shares = _Shares()


def _filters(filters: keys.Filters) -> tuple[str, list[str], float]:
    """The exact-match filters as a tsquery of tag lexemes (each clause must hold), as SQL
    checks of the docid's bits, and the share of listings that pass those checks."""
    shares = _shares.refresh()
    clauses: list[list[str]] = []
    if filters.category_ids is not None:
        clauses.append([f"c{pk}" for pk in filters.category_ids])
    candidates = []  # (share of listings passing, bits check, tag)
    if filters.country:
        code = keys.country_code(filters.country)
        share = shares.country[code] / shares.total if shares.total else 0.0
        mask = keys.COUNTRY_MASK << keys.COUNTRY_SHIFT
        check = f"(docid & {mask}) = {code << keys.COUNTRY_SHIFT}"
        candidates.append((share, check, f"k{filters.country.lower()}"))
    for wanted, bit, tag in (
        (filters.verified, keys.VERIFIED_BIT, "v"),
        (filters.sample, keys.SAMPLE_BIT, "s"),
    ):
        if wanted is not None:
            check = f"(docid & {bit}) = {bit if wanted else 0}"
            candidates.append((shares.flag(bit, wanted), check, f"{tag}{int(wanted)}"))
    candidates.sort(key=lambda c: c[0], reverse=True)
    checks: list[str] = []
    combined = 1.0
    for share, check, tag in candidates:
        if share >= BITS_SHARE and combined * share >= BITS_COMBINED:
            checks.append(check)
            combined *= share
        else:
            clauses.append([tag])
    if filters.currency:
        clauses.append([f"m{filters.currency.lower()}"])
    tags = " & ".join("(" + " | ".join(f"'#{tag}'" for tag in clause) + ")" for clause in clauses)
    return tags, checks, combined


_TIER_VECTORS = {TIERS[0]: (TITLE, "A"), TIERS[1]: (TITLE_KEYWORDS, "AB")}
_PHRASE_OPERATOR = re.compile(r"<(?:-|\d+)>")
_LEXEME = re.compile(r"'(?:[^']|'')*'")


def _weighted(text: str, weights: str) -> str:
    """The tsquery with each lexeme restricted to the given weights (fields)."""
    return _LEXEME.sub(lambda m: f"{m.group(0)}:{weights}", text)


def _and(*parts: str) -> str:
    return " & ".join(f"({part})" for part in parts if part)


def _bounds(bucket: int) -> int:
    """The lowest docid of any listing in a bucket older than `bucket`."""
    return (keys.SEQ_TOP - (bucket << BUCKET_SHIFT) + 1) << keys.SEQ_SHIFT


def _buckets(high: int, low: int) -> str:
    """A tsquery for the buckets from `high` down to `low`."""
    return " | ".join(f"'#b{b}'" for b in range(high, low - 1, -1))


def window(plan: Plan) -> list[int]:
    """The first `plan.window + 1` matches in window order (plan.ranked_window), read
    bucket by bucket, newest first (see above)."""
    limit = plan.window + 1
    with connection.cursor() as cursor:
        text, newest = _text_query(cursor, plan)
        tags, checks, share = _filters(plan.filters)
        bits = "".join(f" AND {check}" for check in checks)
        if not (text or tags):
            # No words and no rare filter: the primary key's order, checking the docids'
            # bits for the common filters (which most listings pass, so the walk is short).
            cursor.execute(
                f"SELECT docid FROM {DOC} WHERE visible{bits} ORDER BY docid LIMIT %s", [limit]
            )
            return [docid for (docid,) in cursor.fetchall()]
        if newest is None:
            return []
        newest_seq = keys.seq_of(newest)
        top = newest_seq >> BUCKET_SHIFT

        def first(columns: str, also: str, between: tuple[int, int] | None, n: int) -> list[int]:
            """The first n matches of the words and `also` (tags, buckets) in `columns`
            (the tags have weight A, so the tier vectors hold them too): one index scan.
            `docid + 0`: never walk the primary key in order, hoping to meet matches soon
            (the planner's guesses at tsquery matches are too rough to bet a scan of the
            table on)."""
            vector, weights = _TIER_VECTORS.get(columns, ("tsv", ""))
            params: list[Any]
            if weights and _PHRASE_OPERATOR.search(text):
                # A phrase on an expression index is rechecked by computing the expression
                # per row: let the index match the words alone (no recheck) and check the
                # order on tsv itself, with the tier's weights; as a function call, which
                # the planner does not turn into a scan of tsv's whole index.
                preds = [f"{vector} @@ %s::tsquery", "ts_match_vq(tsv, %s::tsquery)"]
                params = [_and(_PHRASE_OPERATOR.sub("&", text), also), _weighted(text, weights)]
            else:
                preds, params = [f"{vector} @@ %s::tsquery"], [_and(text, also)]
            if between:
                preds.append("docid BETWEEN %s AND %s")
                params += list(between)
            cursor.execute(
                f"SELECT docid FROM {DOC} WHERE visible AND {' AND '.join(preds)}{bits} "
                "ORDER BY docid + 0 LIMIT %s",
                [*params, n],
            )
            return [docid for (docid,) in cursor.fetchall()]

        def matches(columns: str, between: tuple[int, int] | None = None) -> list[int]:
            if between:  # a span of a short window: few matches
                return first(columns, tags, between, limit)
            found: list[int] = []
            high, span = top, FIRST_SPAN
            while True:
                low = max(high - span + 1, 0)
                found += first(columns, _and(tags, _buckets(high, low)), None, limit - len(found))
                if len(found) >= limit or low == 0:
                    return found
                # Rows read per listing so far (the bits checks come after the index):
                # when the older buckets should hold few matches in all, read them in one
                # step; else a few more buckets (the index reads a whole posting list per
                # bucket named, so a step names at most MAX_SPAN).
                rate = len(found) / (newest_seq - (low << BUCKET_SHIFT) + 1) / share
                high = low - 1
                older = (high + 1) << BUCKET_SHIFT  # listings in the buckets not read
                if rate * older <= REST_MATCHES:
                    break
                wanted = 1.5 * (limit - len(found)) / (rate * share)  # listings to read
                span = min(MAX_SPAN, max(2 * span, math.ceil(wanted / (1 << BUCKET_SHIFT))))
            rest = (_bounds(high + 1), keys.SEQ_TOP << keys.SEQ_SHIFT | keys.LOW_MASK)
            return found + first(columns, tags, rest, limit - len(found))

        return ranked_window(plan.window, plan.by_relevance and bool(text), matches)


def kept(plan: Plan, docids: list[int]) -> list[int]:
    """The window's docids that pass the price, MOQ, currency and rating filters, in order."""
    f = price_filters(plan)
    price, params = "d.price", list[Any]()
    if plan.qty is not None:
        price = (
            "(SELECT t.unit_price FROM catalog_pricetier t WHERE t.listing_id = d.listing_id"
            " AND t.min_qty <= %s ORDER BY t.min_qty DESC LIMIT 1)"
        )
        params.append(plan.qty)
    params.append(docids)
    preds = ["TRUE"]
    if f["moq_limit"] is not None:
        preds.append("d.moq <= %s")
        params.append(f["moq_limit"])
    if f["currency"] is not None:
        preds.append("d.currency = %s")
        params.append(f["currency"])
    if f["min_rating"] is not None:
        preds.append("r.average >= %s")
        params.append(f["min_rating"])
    price_preds = ["price IS NOT NULL"] if f["priced"] else ["TRUE"]
    for bound, op in ((f["min_price"], ">="), (f["max_price"], "<=")):
        if bound is not None:
            price_preds.append(f"price {op} %s")
            params.append(bound)
    rating, join = (
        ("r.average AS rating, r.count AS ratings", RATING_JOIN)
        if f["rated"]
        else (
            "NULL::numeric AS rating, NULL::integer AS ratings",
            "",
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT docid FROM (
                SELECT w.pos, d.docid, {price} AS price, {rating}
                FROM unnest(%s::bigint[]) WITH ORDINALITY AS w(docid, pos)
                JOIN {DOC} d ON d.docid = w.docid{join}
                WHERE {" AND ".join(preds)}
            ) k WHERE {" AND ".join(price_preds)} ORDER BY {order_sql(f)}""",
            params,
        )
        return [docid for (docid,) in cursor.fetchall()]
