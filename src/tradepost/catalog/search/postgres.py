"""The PostgreSQL index: tsvectors and a GIN index in `catalog_search_doc`.

One row per published listing: docid (see keys.py), visibility, price/MOQ facts and three
tsvectors: `tsv` (title, keywords, description and the filter tags as '#'-prefixed lexemes
no query text can produce; GIN-indexed; stored out of line so the heap rows a bitmap scan
reads stay narrow), `tsv_title` and `tsv_tk` (title; title and keywords), small and kept
inline, also GIN-indexed, so a relevance tier is an AND of two index scans.

A search reads the window tier by tier: the GIN indexes find the matches and only the first
`window + 1` in order are read (LIMIT before anything else); plan.hits_from_window does the
rest, as for SQLite.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from tradepost.catalog.search import keys
from tradepost.catalog.search.plan import TIERS, Plan, price_filters, ranked_window

DOC = "catalog_search_doc"
SEQ = "catalog_search_seq"
CONFIG = "english"
CHUNK = 1000


def _tags_sql() -> str:
    return (
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


def _docid_sql(seq: str) -> str:
    """keys.docid_for in SQL."""
    return (
        f"(({keys.SEQ_TOP} - ({seq})) << {keys.SEQ_SHIFT}) | ((CASE WHEN l.category_id "
        f"BETWEEN 1 AND {keys.CATEGORY_MASK} THEN l.category_id ELSE 0 END) "
        f"<< {keys.CATEGORY_SHIFT}) | "
        f"({_country_code_sql('l.supplier_country')} << {keys.COUNTRY_SHIFT}) | "
        f"(CASE WHEN coalesce(p.verified, false) THEN {keys.VERIFIED_BIT} ELSE 0 END) | "
        f"(CASE WHEN l.sample_available THEN {keys.SAMPLE_BIT} ELSE 0 END)"
    )


_COLUMNS = f"""l.id, (m.status = 'active' AND m.is_supplier), l.published_at, l.currency,
    l.min_unit_price, l.moq,
    v.title || v.keywords || to_tsvector('{CONFIG}', l.description)
        || array_to_tsvector({_tags_sql()}),
    v.title, v.title || v.keywords"""
# Each field's vector is made once per listing (LATERAL), though three columns use them.
_FROM = f"""FROM catalog_listing l JOIN members_member m ON m.id = l.supplier_id
    LEFT JOIN catalog_supplierprofile p ON p.member_id = l.supplier_id
    CROSS JOIN LATERAL (SELECT to_tsvector('{CONFIG}', l.title) AS title,
        jsonb_to_tsvector('{CONFIG}', l.keywords, '["string"]') AS keywords) v"""
_INSERT = f"""INSERT INTO {DOC} (docid, listing_id, visible, published_at, currency, price, moq,
    tsv, tsv_title, tsv_tk)"""


INDEXES = {
    f"{DOC}_{column}": f"CREATE INDEX {DOC}_{column} ON {DOC} USING gin ({column}) WHERE visible"
    for column in ("tsv", "tsv_title", "tsv_tk")
} | {f"{DOC}_listing": f"CREATE UNIQUE INDEX {DOC}_listing ON {DOC} (listing_id)"}


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    batch: list[int] = []
    for pk in ids:
        batch.append(pk)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def reindex(listing_ids: Iterable[int]) -> None:
    keep_seq = (
        f"CASE WHEN d.docid IS NOT NULL AND d.published_at IS NOT DISTINCT FROM l.published_at "
        f"THEN {keys.SEQ_TOP} - (d.docid >> {keys.SEQ_SHIFT}) ELSE nextval('{SEQ}') END"
    )
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
            cursor.execute(
                f"""{_INSERT}
                SELECT {_docid_sql(keep_seq)}, {_COLUMNS} {_FROM}
                LEFT JOIN {DOC} d ON d.listing_id = l.id
                WHERE l.id = ANY(%s) AND l.status = 'published'
                ORDER BY l.published_at, l.id
                ON CONFLICT (listing_id) DO UPDATE SET docid = EXCLUDED.docid,
                    visible = EXCLUDED.visible, published_at = EXCLUDED.published_at,
                    currency = EXCLUDED.currency, price = EXCLUDED.price, moq = EXCLUDED.moq,
                    tsv = EXCLUDED.tsv, tsv_title = EXCLUDED.tsv_title, tsv_tk = EXCLUDED.tsv_tk
                """,
                [ids],
            )


def unindex(listing_ids: Iterable[int]) -> None:
    with connection.cursor() as cursor:
        for ids in _chunks(listing_ids):
            cursor.execute(f"DELETE FROM {DOC} WHERE listing_id = ANY(%s)", [ids])


def rebuild() -> int:
    """Index every published listing afresh; the indexes are built once, after loading."""
    with connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute(f"TRUNCATE {DOC}")
        cursor.execute(
            f"""{_INSERT}
            SELECT {_docid_sql("row_number() OVER (ORDER BY l.published_at, l.id)")}, {_COLUMNS}
            {_FROM} WHERE l.status = 'published'"""
        )
        for ddl in INDEXES.values():
            cursor.execute(ddl)
        cursor.execute(
            f"SELECT setval('{SEQ}', (SELECT {keys.SEQ_TOP} - coalesce(min(docid >> "
            f"{keys.SEQ_SHIFT}), {keys.SEQ_TOP}) + 1 FROM {DOC}), false)"
        )
        cursor.execute(f"ANALYZE {DOC}")
        cursor.execute(f"SELECT count(*) FROM {DOC} WHERE visible")
        return cursor.fetchone()[0]


def _text_query(cursor, plan: Plan) -> str:
    """The buyer's terms as a tsquery (text form); every term quoted, so words like "or"
    and "-" stay words. Empty when nothing but stop words is left."""
    if not plan.terms:
        return ""
    websearch = " ".join('"' + " ".join(t.words) + '"' for t in plan.terms)
    cursor.execute(f"SELECT websearch_to_tsquery('{CONFIG}', %s)::text", [websearch])
    return cursor.fetchone()[0]


def _tags_query(filters: keys.Filters) -> str:
    """The exact-match filters as a tsquery of tag lexemes (each clause must hold)."""
    clauses: list[list[str]] = []
    if filters.category_ids is not None:
        clauses.append([f"c{pk}" for pk in filters.category_ids])
    if filters.country:
        clauses.append([f"k{filters.country.lower()}"])
    if filters.verified is not None:
        clauses.append([f"v{int(filters.verified)}"])
    if filters.sample is not None:
        clauses.append([f"s{int(filters.sample)}"])
    if filters.currency:
        clauses.append([f"m{filters.currency.lower()}"])
    return " & ".join("(" + " | ".join(f"'#{tag}'" for tag in clause) + ")" for clause in clauses)


_TIER_VECTORS = {TIERS[0]: "tsv_title", TIERS[1]: "tsv_tk"}


def window(plan: Plan) -> list[int]:
    """The newest `plan.window + 1` matches in window order (plan.ranked_window): the GIN
    indexes find the matches and LIMIT keeps the newest of them before anything is ranked."""
    limit = plan.window + 1
    with connection.cursor() as cursor:
        text = _text_query(cursor, plan)
        match = " & ".join(f"({part})" for part in (text, _tags_query(plan.filters)) if part)

        def matches(columns: str, between: tuple[int, int] | None = None) -> list[int]:
            # No words and no filters: the primary key's order is the window.
            sql, params = "visible", []
            if match:
                sql += " AND tsv @@ %s::tsquery"
                params.append(match)
            if columns in _TIER_VECTORS:
                sql += f" AND {_TIER_VECTORS[columns]} @@ %s::tsquery"
                params.append(text)
            if between:
                sql += " AND docid BETWEEN %s AND %s"
                params += list(between)
            cursor.execute(
                f"SELECT docid FROM {DOC} WHERE {sql} ORDER BY docid LIMIT %s", [*params, limit]
            )
            return [docid for (docid,) in cursor.fetchall()]

        return ranked_window(plan.window, plan.by_relevance and bool(text), matches)


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
    params.append(docids)
    preds = ["TRUE"]
    if f["moq_limit"] is not None:
        preds.append("d.moq <= %s")
        params.append(f["moq_limit"])
    if f["currency"] is not None:
        preds.append("d.currency = %s")
        params.append(f["currency"])
    price_preds = ["price IS NOT NULL"] if f["priced"] else ["TRUE"]
    for bound, op in ((f["min_price"], ">="), (f["max_price"], "<=")):
        if bound is not None:
            price_preds.append(f"price {op} %s")
            params.append(bound)
    order = f"price {'DESC' if f['descending'] else 'ASC'}, pos" if f["by_price"] else "pos"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT docid FROM (
                SELECT w.pos, d.docid, {price} AS price
                FROM unnest(%s::bigint[]) WITH ORDINALITY AS w(docid, pos)
                JOIN {DOC} d ON d.docid = w.docid
                WHERE {" AND ".join(preds)}
            ) r WHERE {" AND ".join(price_preds)} ORDER BY {order}""",
            params,
        )
        return [docid for (docid,) in cursor.fetchall()]
