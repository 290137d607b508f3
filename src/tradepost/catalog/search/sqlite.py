"""The embedded index: an SQLite FTS5 table beside a small table of per-listing facts.

`catalog_search_fts` is contentless (it keeps no copy of the text): columns title, keywords,
description, plus `tags` for the exact-match filters; Porter stemming over unicode61.
`catalog_search_doc` holds one row per published listing: its docid (see keys.py), whether it
is visible (its supplier is active), the tags and the price/MOQ facts for range filters.

A contentless FTS5 table can only forget a document when told its old text, so two triggers
(schema.py) keep the indexed text in step with `catalog_listing` inside the writing
transaction: on an edit of title, keywords or description and on a delete. Whether a
listing is searchable at all is decided by `reindex`, which the catalog services call.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.backends.utils import CursorWrapper

from tradepost.catalog.search import keys
from tradepost.catalog.search.plan import (
    RATING_JOIN,
    Plan,
    order_sql,
    price_filters,
    ranked_window,
)
from tradepost.catalog.search.query import Term

FTS = "catalog_search_fts"
DOC = "catalog_search_doc"
CHUNK = 500


def keywords_sql(column: str) -> str:
    """The keywords JSON list as words (json_each decodes escapes such as \\u00fc)."""
    return f"coalesce((SELECT group_concat(value, ' ') FROM json_each({column})), '')"


def country_code_sql(column: str) -> str:
    cc = f"upper({column})"
    return (
        f"(CASE WHEN {cc} GLOB '[A-Z][A-Z]' THEN "
        f"(unicode(substr({cc}, 1, 1)) - 64) * 27 + (unicode(substr({cc}, 2, 1)) - 64) "
        "ELSE 0 END)"
    )


def tags_sql() -> str:
    """The tags of keys.DocFacts.tags(), in the same order, for the bulk build."""
    return (
        "'all c' || l.category_id || ' m' || lower(l.currency) || "
        "CASE WHEN l.supplier_country != '' THEN ' k' || lower(l.supplier_country) ELSE '' END"
        " || CASE WHEN coalesce(p.verified, 0) THEN ' v1' ELSE '' END"
        " || CASE WHEN l.sample_available THEN ' s1' ELSE '' END"
    )


def docid_sql(seq: str) -> str:
    """keys.docid_for in SQL (the bulk build)."""
    return (
        f"(({keys.SEQ_TOP} - {seq}) << {keys.SEQ_SHIFT})"
        f" | ((CASE WHEN l.category_id BETWEEN 1 AND {keys.CATEGORY_MASK}"
        f" THEN l.category_id ELSE 0 END) << {keys.CATEGORY_SHIFT})"
        f" | ({country_code_sql('l.supplier_country')} << {keys.COUNTRY_SHIFT})"
        f" | (CASE WHEN coalesce(p.verified, 0) THEN {keys.VERIFIED_BIT} ELSE 0 END)"
        f" | (CASE WHEN l.sample_available THEN {keys.SAMPLE_BIT} ELSE 0 END)"
    )


VISIBLE_SQL = "(m.status = 'active' AND m.is_supplier)"

_FTS_INSERT = f"""INSERT INTO {FTS}(rowid, title, keywords, description, tags)
    SELECT d.docid, l.title, {keywords_sql("l.keywords")}, l.description, d.tags
    FROM {DOC} d JOIN catalog_listing l ON l.id = d.listing_id WHERE d.visible"""
_FTS_DELETE = f"""INSERT INTO {FTS}({FTS}, rowid, title, keywords, description, tags)
    SELECT 'delete', d.docid, l.title, {keywords_sql("l.keywords")}, l.description, d.tags
    FROM {DOC} d JOIN catalog_listing l ON l.id = d.listing_id WHERE d.visible"""


def _in(ids: Sequence[int]) -> str:
    return "(" + ",".join(["%s"] * len(ids)) + ")"


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    batch: list[int] = []
    for pk in ids:
        batch.append(pk)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


# --- Writing ------------------------------------------------------------------------------


def reindex(listing_ids: Iterable[int]) -> None:
    with connection.cursor() as cursor:
        for ids in _chunks(listing_ids):
            _reindex(cursor, ids)


def _reindex(cursor: CursorWrapper, ids: list[int]) -> None:
    where = _in(ids)
    cursor.execute(f"{_FTS_DELETE} AND d.listing_id IN {where}", ids)
    cursor.execute(
        f"SELECT listing_id, docid, published_at FROM {DOC} WHERE listing_id IN {where}", ids
    )
    kept = {pk: (keys.seq_of(docid), at) for pk, docid, at in cursor.fetchall()}
    cursor.execute(f"DELETE FROM {DOC} WHERE listing_id IN {where}", ids)
    # Only the keys in the WHERE clause (status is checked below): with the status too,
    # SQLite's planner may walk its (status, published_at) index over every listing.
    cursor.execute(
        f"""SELECT l.id, julianday(l.published_at), {VISIBLE_SQL}, l.category_id,
                   l.supplier_country, coalesce(p.verified, 0), l.sample_available, l.currency,
                   l.min_unit_price, l.moq, l.status
            FROM catalog_listing l JOIN members_member m ON m.id = l.supplier_id
            LEFT JOIN catalog_supplierprofile p ON p.member_id = l.supplier_id
            WHERE l.id IN {where}""",
        ids,
    )
    rows = sorted(
        (row[:-1] for row in cursor.fetchall() if row[-1] == "published"),
        key=lambda row: (row[1] is not None, row[1] or 0.0, row[0]),
    )
    if not rows:
        return
    cursor.execute(f"SELECT min(docid) FROM {DOC}")
    newest = cursor.fetchone()[0]
    next_seq = 1 if newest is None else keys.seq_of(newest) + 1
    values = []
    for row in rows:
        pk, published_at, visible, category_id, country, verified, sample, currency = row[:8]
        seq, was_published_at = kept.get(pk, (None, None))
        if seq is None or was_published_at != published_at:
            seq, next_seq = next_seq, next_seq + 1
        facts = keys.DocFacts(category_id, country, bool(verified), bool(sample), currency)
        docid = keys.docid_for(
            seq=seq,
            category_id=category_id,
            country=country,
            verified=bool(verified),
            sample=bool(sample),
        )
        tags = " ".join(facts.tags())
        values.append((docid, pk, bool(visible), published_at, tags, currency, *row[8:]))
    cursor.executemany(
        f"INSERT INTO {DOC} (docid, listing_id, visible, published_at, tags, currency, price, "
        "moq) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        values,
    )
    cursor.execute(f"{_FTS_INSERT} AND d.listing_id IN {where}", ids)


def unindex(listing_ids: Iterable[int]) -> None:
    with connection.cursor() as cursor:
        for ids in _chunks(listing_ids):
            cursor.execute(f"{_FTS_DELETE} AND d.listing_id IN {_in(ids)}", ids)
            cursor.execute(f"DELETE FROM {DOC} WHERE listing_id IN {_in(ids)}", ids)


def hide(listing_ids: Iterable[int]) -> None:
    """Clause 6.2 (iv): keep the rows (and their place) but out of every search."""
    with connection.cursor() as cursor:
        for ids in _chunks(listing_ids):
            cursor.execute(f"{_FTS_DELETE} AND d.listing_id IN {_in(ids)}", ids)
            cursor.execute(f"UPDATE {DOC} SET visible = 0 WHERE listing_id IN {_in(ids)}", ids)


def rebuild() -> int:
    """Index every published listing afresh (bulk: a few statements, not one per listing).

    Rows go in in docid order, the listing_id index is built after them (sorting once rather
    than inserting a million keys at random), and FTS5 gets a 64 MB buffer so that it writes
    few segments to merge."""
    # Numbered newest first, so that the window function's sort is also docid order.
    published = "(SELECT count(*) FROM catalog_listing WHERE status = 'published')"
    seq = f"({published} + 1 - row_number() OVER (ORDER BY l.published_at DESC, l.id DESC))"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('delete-all')")
        cursor.execute(f"INSERT INTO {FTS}({FTS}, rank) VALUES ('hashsize', 67108864)")
        cursor.execute(f"DROP INDEX IF EXISTS {DOC}_listing")
        cursor.execute(f"DELETE FROM {DOC}")
        cursor.execute(
            f"""INSERT INTO {DOC} (docid, listing_id, visible, published_at, tags, currency,
                                   price, moq)
            SELECT {docid_sql(seq)} AS docid, l.id, {VISIBLE_SQL}, julianday(l.published_at),
                   {tags_sql()}, l.currency, l.min_unit_price, l.moq
            FROM catalog_listing l NOT INDEXED
            JOIN members_member m ON m.id = l.supplier_id
            LEFT JOIN catalog_supplierprofile p ON p.member_id = l.supplier_id
            WHERE l.status = 'published'
            ORDER BY l.published_at DESC, l.id DESC"""
        )
        cursor.execute(f"CREATE UNIQUE INDEX {DOC}_listing ON {DOC} (listing_id)")
        cursor.execute(f"{_FTS_INSERT} ORDER BY d.docid")
        cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('optimize')")
        cursor.execute(f"SELECT count(*) FROM {DOC} WHERE visible")
        return cursor.fetchone()[0]


# --- Reading ------------------------------------------------------------------------------


def _phrases(terms: Sequence[Term]) -> str:
    # Words hold letters and digits only, so quoting them can never form FTS5 syntax.
    return " ".join('"' + " ".join(term.words) + '"' for term in terms)


def _text(terms: Sequence[Term], columns: str) -> str:
    return f"({{{columns}}}: ({_phrases(terms)}))"


def _tag_clause(tags: Iterable[str]) -> str:
    return "(tags: (" + " OR ".join(f'"{tag}"' for tag in tags) + "))"


def _and(*parts: str) -> str:
    return " AND ".join(p for p in parts if p)


# --- Choosing how to apply each exact filter ----------------------------------------------
#
# A filter most listings pass (country CN, verified, samples) is slow as a tag: intersecting
# with a tag nearly every listing carries reads that whole list. It is fast as a check of the
# docid's bits on each match of the words. A filter few listings pass is the opposite: the
# bits check would read many matches to find a few. Each filter goes one way or the other by
# its share of a sample of the newest listings (refreshed every STATS_SECONDS).

BITS_SHARE = 0.2  # a filter passed by at least this share is checked on the docid's bits
BITS_COMBINED = 0.05  # ...as long as the bit filters together pass at least this share
SAMPLE_SIZE = 5000
STATS_SECONDS = 300


@dataclass
class _Shares:
    """Shares of the newest SAMPLE_SIZE visible listings per category, country and flag."""

    at: float = -1e9
    total: int = 0
    category: Counter[int] = field(default_factory=Counter)
    country: Counter[int] = field(default_factory=Counter)
    flags: Counter[int] = field(default_factory=Counter)

    def refresh(self) -> _Shares:
        now = time.monotonic()
        if now - self.at < STATS_SECONDS:
            return self
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT group_concat(docid & {keys.LOW_MASK}) FROM (SELECT docid FROM {DOC}"
                f" WHERE visible ORDER BY docid LIMIT {SAMPLE_SIZE})"
            )
            sample = _ids(cursor)
        self.at, self.total = now, len(sample)
        self.category = Counter(map(keys.category_of, sample))
        self.country = Counter(map(keys.country_code_of, sample))
        self.flags = Counter(b & (keys.VERIFIED_BIT | keys.SAMPLE_BIT) for b in sample)
        return self

    def of(self, counter: Counter[int], keys_: Iterable[int]) -> float:
        return sum(counter[k] for k in keys_) / self.total if self.total else 0.0

    def flag(self, bit: int, wanted: bool) -> float:
        passed = sum(n for bits, n in self.flags.items() if bool(bits & bit) == wanted)
        return passed / self.total if self.total else 0.0


_shares = _Shares()


class _Filters:
    """The plan's exact filters, split into FTS5 tag clauses and a docid bits check."""

    def __init__(self, filters: keys.Filters) -> None:
        shares = _shares.refresh()
        candidates = []  # (share of listings passing, bits check, tag clause)
        if filters.category_ids is not None:
            ids = sorted(set(filters.category_ids))
            candidates.append(
                (
                    shares.of(shares.category, ids),
                    f"((rowid >> {keys.CATEGORY_SHIFT}) & {keys.CATEGORY_MASK}) IN "
                    f"({','.join(map(str, ids))})",
                    _tag_clause(f"c{pk}" for pk in ids),
                )
            )
        if filters.country:
            code = keys.country_code(filters.country)
            mask = keys.COUNTRY_MASK << keys.COUNTRY_SHIFT
            candidates.append(
                (
                    shares.of(shares.country, [code]),
                    f"(rowid & {mask}) = {code << keys.COUNTRY_SHIFT}",
                    _tag_clause([f"k{filters.country.lower()}"]),
                )
            )
        for wanted, bit, tag in (
            (filters.verified, keys.VERIFIED_BIT, "v1"),
            (filters.sample, keys.SAMPLE_BIT, "s1"),
        ):
            if wanted is not None:
                clause = _tag_clause([tag])
                candidates.append(
                    (
                        shares.flag(bit, wanted),
                        f"(rowid & {bit}) = {bit if wanted else 0}",
                        clause if wanted else f"NOT {clause}",
                    )
                )
        candidates.sort(key=lambda c: c[0], reverse=True)
        self.checks: list[str] = []
        self.tags: list[str] = []
        combined = 1.0
        for fraction, check, tag in candidates:
            if fraction >= BITS_SHARE and combined * fraction >= BITS_COMBINED:
                self.checks.append(check)
                combined *= fraction
            else:
                self.tags.append(tag)
        if filters.currency:
            self.tags.append(_tag_clause([f"m{filters.currency.lower()}"]))

    def match(self, text: str) -> str:
        """The MATCH expression: words and tag clauses (a NOT clause needs something to
        subtract from, hence the tag every listing carries)."""
        positive = [t for t in self.tags if not t.startswith("NOT ")]
        negative = [t for t in self.tags if t.startswith("NOT ")]
        expr = _and(text, *positive) or f'(tags: "{keys.ALL_TAG}")'
        return " ".join([f"({expr})", *negative]) if negative else expr

    def where(self) -> str:
        return "".join(f" AND {check}" for check in self.checks)


def _ids(cursor: CursorWrapper) -> list[int]:
    """One row of group_concat'ed ids: a thousand rows cost more to fetch than to find."""
    text = cursor.fetchone()[0]
    return list(map(int, text.split(","))) if text else []


def _matches(
    cursor: CursorWrapper,
    expr: str,
    filters: _Filters,
    limit: int,
    between: tuple[int, int] | None = None,
) -> list[int]:
    """Docids of the first `limit` matches of `expr`, newest first."""
    span, params = "", list[str | int]([expr])
    if between:
        span = " AND rowid BETWEEN %s AND %s"
        params += list(between)
    cursor.execute(
        f"SELECT group_concat(rowid) FROM (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s"
        f"{span}{filters.where()} ORDER BY rowid LIMIT %s)",
        [*params, limit],
    )
    return _ids(cursor)


def window(plan: Plan) -> list[int]:
    """The newest `plan.window + 1` matches, in window order (plan.ranked_window)."""
    limit = plan.window + 1
    filters = _Filters(plan.filters)
    with connection.cursor() as cursor:

        def matches(columns: str, between: tuple[int, int] | None = None) -> list[int]:
            expr = filters.match(_text(plan.terms, columns) if plan.terms else "")
            return _matches(cursor, expr, filters, limit, between)

        return ranked_window(plan.window, plan.by_relevance, matches)


def kept(plan: Plan, docids: list[int]) -> list[int]:
    """The window's docids that pass the price, MOQ, currency and rating filters, in order."""
    f = price_filters(plan)
    price, params = "d.price", list[str | int | Decimal]()
    if plan.qty is not None:
        price = (
            "(SELECT t.unit_price FROM catalog_pricetier t WHERE t.listing_id = d.listing_id"
            " AND t.min_qty <= %s ORDER BY t.min_qty DESC LIMIT 1)"
        )
        params.append(plan.qty)
    params.append(json.dumps(docids))
    listing_preds, price_preds = ["TRUE"], ["TRUE"]
    if f["moq_limit"] is not None:
        listing_preds.append("d.moq <= %s")
        params.append(f["moq_limit"])
    if f["currency"] is not None:
        listing_preds.append("d.currency = %s")
        params.append(f["currency"])
    if f["min_rating"] is not None:
        listing_preds.append("r.average >= %s")
        params.append(f["min_rating"])
    if f["priced"]:
        price_preds.append("price IS NOT NULL")
    for bound, op in ((f["min_price"], ">="), (f["max_price"], "<=")):
        if bound is not None:
            price_preds.append(f"price {op} %s")
            params.append(float(bound))  # type: ignore[arg-type]
    rating, join = (
        ("r.average AS rating, r.count AS ratings", RATING_JOIN)
        if f["rated"]
        else (
            "NULL AS rating, NULL AS ratings",
            "",
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH w AS MATERIALIZED (
                SELECT j.key AS pos, d.docid, {price} AS price, {rating}
                FROM json_each(%s) j JOIN {DOC} d ON d.docid = j.value{join}
                WHERE {" AND ".join(listing_preds)}
            )
            SELECT group_concat(docid) FROM (
                SELECT docid FROM w WHERE {" AND ".join(price_preds)} ORDER BY {order_sql(f)}
            )""",
            params,
        )
        return _ids(cursor)
