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

from collections.abc import Iterable, Sequence

from django.db import connection

from tradepost.catalog.search import keys
from tradepost.catalog.search.plan import Hits, Plan
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
        f"SELECT listing_id, docid >> {keys.SEQ_SHIFT}, published_at FROM {DOC} "
        f"WHERE listing_id IN {where}",
        ids,
    )
    kept = {pk: (seq, published_at) for pk, seq, published_at in cursor.fetchall()}
    cursor.execute(f"DELETE FROM {DOC} WHERE listing_id IN {where}", ids)
    cursor.execute(
        f"""SELECT l.id, CAST(l.published_at AS TEXT), {VISIBLE_SQL}, l.category_id,
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
    cursor.execute(f"SELECT coalesce(max(docid), 0) >> {keys.SEQ_SHIFT} FROM {DOC}")
    next_seq = cursor.fetchone()[0] + 1
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
        cursor.execute(f"DELETE FROM {DOC}")
        cursor.execute(
            f"""INSERT INTO {DOC} (docid, listing_id, visible, published_at, tags, currency,
                                   price, moq)
            SELECT (row_number() OVER (ORDER BY l.published_at, l.id) << {keys.SEQ_SHIFT})
                   | ((CASE WHEN l.category_id BETWEEN 1 AND {keys.CATEGORY_MASK}
                       THEN l.category_id ELSE 0 END) << {keys.CATEGORY_SHIFT})
                   | {country_code_sql("l.supplier_country")},
                   l.id, {VISIBLE_SQL}, CAST(l.published_at AS TEXT), {tags_sql()}, l.currency,
                   l.min_unit_price, l.moq
            FROM catalog_listing l JOIN members_member m ON m.id = l.supplier_id
            LEFT JOIN catalog_supplierprofile p ON p.member_id = l.supplier_id
            WHERE l.status = 'published'"""
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


class _Query:
    """SQL for one plan: the MATCH expressions and the price/MOQ predicates."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        tags = _tags(plan.tag_clauses)
        if plan.terms:
            self.base = _and(_text(plan.terms, "title keywords description"), tags)
            title = _text(plan.terms, "title")
            title_keywords = _text(plan.terms, "title keywords")
            self.tiers = [
                _and(title, tags),
                f"({_and(title_keywords, tags)}) NOT {title}",
                f"({self.base}) NOT {title_keywords}",
            ]
        else:
            self.base = tags or f'(tags: "{keys.ALL_TAG}")'
            self.tiers = [self.base]
        self.price_sql, self.price_params = "d.price", []
        if plan.qty is not None:
            self.price_sql = (
                "(SELECT t.unit_price FROM catalog_pricetier t WHERE t.listing_id = d.listing_id"
                " AND t.min_qty <= %s ORDER BY t.min_qty DESC LIMIT 1)"
            )
            self.price_params = [plan.qty]
        self.floor: int | None = None

    def where(self) -> tuple[str, list]:
        """Predicates after MATCH: the window floor, then price and MOQ."""
        sql, params = "", []
        if self.floor is not None:
            sql += " AND fts.rowid >= %s"
            params.append(self.floor)
        plan = self.plan
        if plan.qty is not None:
            sql += " AND d.moq <= %s"
            params.append(plan.qty)
        if plan.moq_max is not None:
            sql += " AND d.moq <= %s"
            params.append(plan.moq_max)
        for bound, op in ((plan.min_price, ">="), (plan.max_price, "<=")):
            if bound is not None:
                sql += f" AND {self.price_sql} {op} %s"
                params += [*self.price_params, float(bound)]
        if "price" in plan.sort:
            sql += f" AND {self.price_sql} IS NOT NULL"
            params += self.price_params
        return sql, params

    def source(self) -> str:
        join = f" JOIN {DOC} d ON d.docid = fts.rowid" if self.plan.ranged else ""
        return f"FROM {FTS} fts{join} WHERE fts.{FTS} MATCH %s"


def search(plan: Plan) -> Hits:
    q = _Query(plan)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s ORDER BY rowid DESC LIMIT 2 OFFSET %s",
            [q.base, plan.window - 1],
        )
        edge = [row[0] for row in cursor.fetchall()]
        exact = len(edge) < 2
        q.floor = None if not edge else edge[0]
        where, params = q.where()
        cursor.execute(
            f"SELECT (fts.rowid >> {keys.CATEGORY_SHIFT}) & {keys.CATEGORY_MASK}, "
            f"fts.rowid & {keys.COUNTRY_MASK}, count(*) {q.source()}{where} GROUP BY 1, 2",
            [q.base, *params],
        )
        cells = [(cat, cc, n) for cat, cc, n in cursor.fetchall()]
        count = sum(row[2] for row in cells)
        docids = _page(cursor, q, where, params, count) if count > plan.offset else []
        listing_ids = _listing_ids(cursor, docids)
    return Hits(listing_ids=listing_ids, count=count, exact=exact, facet_cells=cells)


def _page(cursor, q: _Query, where: str, params: list, count: int) -> list[int]:
    plan = q.plan
    if "price" in plan.sort:
        direction = "DESC" if plan.sort == "-price" else "ASC"
        cursor.execute(
            f"SELECT fts.rowid {q.source()}{where} "
            f"ORDER BY {q.price_sql} {direction}, fts.rowid DESC LIMIT %s OFFSET %s",
            [q.base, *params, *q.price_params, plan.limit, plan.offset],
        )
        return [row[0] for row in cursor.fetchall()]
    tiers = q.tiers if plan.sort == "relevance" else [q.base]
    found: list[int] = []
    skip = plan.offset
    for expr in tiers:
        wanted = plan.limit - len(found)
        if wanted <= 0:
            break
        if skip:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 {q.source()}{where} LIMIT %s)",
                [expr, *params, skip],
            )
            in_tier = cursor.fetchone()[0]
            if in_tier < skip:
                skip -= in_tier
                continue
        cursor.execute(
            f"SELECT fts.rowid {q.source()}{where} ORDER BY fts.rowid DESC LIMIT %s OFFSET %s",
            [expr, *params, wanted, skip],
        )
        found += [row[0] for row in cursor.fetchall()]
        skip = 0
    return found


def _listing_ids(cursor, docids: list[int]) -> list[int]:
    if not docids:
        return []
    cursor.execute(f"SELECT docid, listing_id FROM {DOC} WHERE docid IN {_in(docids)}", docids)
    by_docid = dict(cursor.fetchall())
    return [by_docid[d] for d in docids if d in by_docid]
