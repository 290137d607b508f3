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
from collections.abc import Iterable, Sequence

from django.db import connection

from tradepost.catalog.search import keys
from tradepost.catalog.search.plan import Plan, price_filters
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
        "'all c' || l.category_id || ' v' || coalesce(p.verified, 0) || ' s' || "
        "l.sample_available || ' m' || lower(l.currency) || "
        "CASE WHEN l.supplier_country != '' THEN ' k' || lower(l.supplier_country) ELSE '' END"
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


def _reindex(cursor, ids: list[int]) -> None:
    where = _in(ids)
    cursor.execute(f"{_FTS_DELETE} AND d.listing_id IN {where}", ids)
    cursor.execute(
        f"SELECT listing_id, docid, published_at FROM {DOC} WHERE listing_id IN {where}", ids
    )
    kept = {pk: (keys.seq_of(docid), at) for pk, docid, at in cursor.fetchall()}
    cursor.execute(f"DELETE FROM {DOC} WHERE listing_id IN {where}", ids)
    cursor.execute(
        f"""SELECT l.id, julianday(l.published_at), {VISIBLE_SQL}, l.category_id,
                   l.supplier_country, coalesce(p.verified, 0), l.sample_available, l.currency,
                   l.min_unit_price, l.moq
            FROM catalog_listing l JOIN members_member m ON m.id = l.supplier_id
            LEFT JOIN catalog_supplierprofile p ON p.member_id = l.supplier_id
            WHERE l.status = 'published' AND l.id IN {where} ORDER BY l.published_at, l.id""",
        ids,
    )
    rows = cursor.fetchall()
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
        docid = keys.docid_for(seq=seq, category_id=category_id, country=country)
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


def rebuild() -> int:
    """Index every published listing afresh (bulk: a few statements, not one per listing)."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('delete-all')")
        # A 64 MB buffer before FTS5 writes a segment: a bulk load then needs no merging.
        cursor.execute(f"INSERT INTO {FTS}({FTS}, rank) VALUES ('hashsize', 67108864)")
        cursor.execute(f"DELETE FROM {DOC}")
        cursor.execute(
            f"""INSERT INTO {DOC} (docid, listing_id, visible, published_at, tags, currency,
                                   price, moq)
            SELECT (({keys.SEQ_TOP} - seq) << {keys.SEQ_SHIFT})
                   | ((CASE WHEN category_id BETWEEN 1 AND {keys.CATEGORY_MASK}
                       THEN category_id ELSE 0 END) << {keys.CATEGORY_SHIFT})
                   | {country_code_sql("supplier_country")} AS docid,
                   id, visible, published_at, tags, currency, price, moq
            FROM (
                SELECT row_number() OVER (ORDER BY l.published_at, l.id) AS seq, l.id,
                       l.category_id, l.supplier_country, {VISIBLE_SQL} AS visible,
                       julianday(l.published_at) AS published_at, {tags_sql()} AS tags,
                       l.currency, l.min_unit_price AS price, l.moq
                FROM catalog_listing l JOIN members_member m ON m.id = l.supplier_id
                LEFT JOIN catalog_supplierprofile p ON p.member_id = l.supplier_id
                WHERE l.status = 'published'
            ) ORDER BY docid"""
        )
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


def _tags(clauses: list[list[str]]) -> str:
    return " AND ".join(
        "(tags: (" + " OR ".join(f'"{tag}"' for tag in clause) + "))" for clause in clauses
    )


def _and(*parts: str) -> str:
    return " AND ".join(p for p in parts if p)


def expressions(plan: Plan) -> list[str]:
    """MATCH expressions for the window, in tier order: each one's matches include the
    previous one's (title, then title or keywords, then anywhere), so a window is read with
    plain index scans instead of NOT expressions."""
    tags = _tags(plan.tag_clauses)
    if not plan.terms:
        return [tags or f'(tags: "{keys.ALL_TAG}")']
    anywhere = _and(_text(plan.terms, "title keywords description"), tags)
    if not plan.by_relevance:
        return [anywhere]
    return [
        _and(_text(plan.terms, "title"), tags),
        _and(_text(plan.terms, "title keywords"), tags),
        anywhere,
    ]


def _ids(cursor) -> list[int]:
    """One row of group_concat'ed ids: a thousand rows cost more to fetch than to find."""
    text = cursor.fetchone()[0]
    return list(map(int, text.split(","))) if text else []


def window(plan: Plan) -> list[int]:
    """The first `plan.window + 1` matches in window order."""
    limit = plan.window + 1
    found: list[int] = []
    seen: set[int] = set()
    with connection.cursor() as cursor:
        for expr in expressions(plan):
            cursor.execute(
                f"SELECT group_concat(rowid) FROM (SELECT rowid FROM {FTS} "
                f"WHERE {FTS} MATCH %s ORDER BY rowid LIMIT %s)",
                [expr, limit],
            )
            # A tier's matches hold the previous tiers' (complete, or we would have
            # stopped), so its first `limit` rows hold at least `limit - len(found)` new ones.
            found += [d for d in _ids(cursor) if d not in seen]
            if len(found) >= limit:
                return found[:limit]
            seen.update(found)
    return found


def kept(plan: Plan, docids: list[int]) -> list[int]:
    """The window's docids that pass the price, MOQ and currency filters, in order."""
    f = price_filters(plan)
    price, params = "d.price", []
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
    if f["priced"]:
        price_preds.append("price IS NOT NULL")
    for bound, op in ((f["min_price"], ">="), (f["max_price"], "<=")):
        if bound is not None:
            price_preds.append(f"price {op} %s")
            params.append(float(bound))  # type: ignore[arg-type]
    order = f"price {'DESC' if f['descending'] else 'ASC'}, pos" if f["by_price"] else "pos"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH w AS MATERIALIZED (
                SELECT j.key AS pos, d.docid, {price} AS price
                FROM json_each(%s) j JOIN {DOC} d ON d.docid = j.value
                WHERE {" AND ".join(listing_preds)}
            )
            SELECT group_concat(docid) FROM (
                SELECT docid FROM w WHERE {" AND ".join(price_preds)} ORDER BY {order}
            )""",
            params,
        )
        return _ids(cursor)


def listing_ids(docids: list[int]) -> dict[int, int]:
    if not docids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT docid, listing_id FROM {DOC} WHERE docid IN {_in(docids)}", docids)
        return dict(cursor.fetchall())
