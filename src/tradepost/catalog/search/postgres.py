"""The PostgreSQL index: tsvectors and a GIN index in `catalog_search_doc`.

One row per published listing: docid (see keys.py), visibility, price/MOQ facts and three
tsvectors: `tsv` (title, keywords, description and the filter tags as '#'-prefixed lexemes
no query text can produce; GIN-indexed; stored out of line so the heap rows a bitmap scan
reads stay narrow), `tsv_title` and `tsv_tk` (title; title and keywords), small and kept
inline so the relevance tiers of a window are decided without detoasting anything.

Every search is one statement: the GIN index finds the matches, the newest `window` of them
are kept (LIMIT before anything is ranked), and count, facets, tiers and the page are computed
over that window.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from tradepost.catalog.search import keys
from tradepost.catalog.search.plan import Hits, Plan

DOC = "catalog_search_doc"
SEQ = "catalog_search_seq"
CONFIG = "english"
CHUNK = 1000


def _tags_sql() -> str:
    return (
        "ARRAY['#all', '#c' || l.category_id, '#v' || coalesce(p.verified, false)::int, "
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
    return (
        f"(({seq}) << {keys.SEQ_SHIFT}) | ((CASE WHEN l.category_id BETWEEN 1 AND "
        f"{keys.CATEGORY_MASK} THEN l.category_id ELSE 0 END) << {keys.CATEGORY_SHIFT}) | "
        f"{_country_code_sql('l.supplier_country')}"
    )


_TITLE = f"to_tsvector('{CONFIG}', l.title)"
_KEYWORDS = f"""jsonb_to_tsvector('{CONFIG}', l.keywords, '["string"]')"""
_COLUMNS = f"""l.id, (m.status = 'active' AND m.is_supplier), l.published_at, l.currency,
    l.min_unit_price, l.moq,
    {_TITLE} || {_KEYWORDS} || to_tsvector('{CONFIG}', l.description)
        || array_to_tsvector({_tags_sql()}),
    {_TITLE}, {_TITLE} || {_KEYWORDS}"""
_FROM = """FROM catalog_listing l JOIN members_member m ON m.id = l.supplier_id
    LEFT JOIN catalog_supplierprofile p ON p.member_id = l.supplier_id"""
_INSERT = f"""INSERT INTO {DOC} (docid, listing_id, visible, published_at, currency, price, moq,
    tsv, tsv_title, tsv_tk)"""


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
        f"THEN d.docid >> {keys.SEQ_SHIFT} ELSE nextval('{SEQ}') END"
    )
    with connection.cursor() as cursor:
        for ids in _chunks(listing_ids):
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
    """Index every published listing afresh; the GIN index is rebuilt once, after loading."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {DOC}_tsv")
        cursor.execute(f"TRUNCATE {DOC}")
        cursor.execute(
            f"""{_INSERT}
            SELECT {_docid_sql("row_number() OVER (ORDER BY l.published_at, l.id)")}, {_COLUMNS}
            {_FROM} WHERE l.status = 'published'"""
        )
        cursor.execute(f"CREATE INDEX {DOC}_tsv ON {DOC} USING gin (tsv) WHERE visible")
        cursor.execute(
            f"SELECT setval('{SEQ}', (SELECT coalesce(max(docid >> {keys.SEQ_SHIFT}), 0) + 1 "
            f"FROM {DOC}), false)"
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


def _tags_query(clauses: list[list[str]]) -> str:
    return " & ".join("(" + " | ".join(f"'#{tag}'" for tag in clause) + ")" for clause in clauses)


def search(plan: Plan) -> Hits:
    with connection.cursor() as cursor:
        text = _text_query(cursor, plan)
        match = " & ".join(f"({part})" for part in (text, _tags_query(plan.tag_clauses)) if part)
        price, price_params = "w.price", []
        if plan.qty is not None:
            price = (
                "(SELECT t.unit_price FROM catalog_pricetier t WHERE t.listing_id = w.listing_id"
                " AND t.min_qty <= %s ORDER BY t.min_qty DESC LIMIT 1)"
            )
            price_params = [plan.qty]
        preds, params = ["TRUE"], []
        if plan.qty is not None:
            preds.append("w.moq <= %s")
            params.append(plan.qty)
        if plan.moq_max is not None:
            preds.append("w.moq <= %s")
            params.append(plan.moq_max)
        for bound, op in ((plan.min_price, ">="), (plan.max_price, "<=")):
            if bound is not None:
                preds.append(f"{price} {op} %s")
                params += [*price_params, bound]
        if "price" in plan.sort:
            preds.append(f"{price} IS NOT NULL")
            params += price_params
        if plan.sort == "price":
            order, order_params = f"{price} ASC, docid DESC", price_params
        elif plan.sort == "-price":
            order, order_params = f"{price} DESC, docid DESC", price_params
        elif plan.sort == "relevance" and text:
            order = "tsv_title @@ %s::tsquery DESC, tsv_tk @@ %s::tsquery DESC, docid DESC"
            order_params = [text, text]
        else:
            order, order_params = "docid DESC", []
        cursor.execute(
            f"""WITH matched AS MATERIALIZED (
                SELECT docid, listing_id, moq, price, tsv_title, tsv_tk FROM {DOC}
                WHERE visible AND tsv @@ %s::tsquery ORDER BY docid DESC LIMIT %s
            ), kept AS MATERIALIZED (
                SELECT w.* FROM (SELECT * FROM matched ORDER BY docid DESC LIMIT %s) w
                WHERE {" AND ".join(preds)}
            )
            SELECT 0, (SELECT count(*) FROM matched), 0, 0
            UNION ALL
            SELECT 1, (docid >> {keys.CATEGORY_SHIFT}) & {keys.CATEGORY_MASK},
                docid & {keys.COUNTRY_MASK}, count(*) FROM kept GROUP BY 2, 3
            UNION ALL
            SELECT 2, listing_id, n, 0 FROM (
                SELECT w.listing_id, row_number() OVER (ORDER BY {order}) AS n
                FROM kept w ORDER BY {order} LIMIT %s OFFSET %s
            ) page""",
            [
                match or f"'#{keys.ALL_TAG}'",
                plan.window + 1,
                plan.window,
                *params,
                *order_params,
                *order_params,
                plan.limit,
                plan.offset,
            ],
        )
        rows = cursor.fetchall()
    matched = next(r[1] for r in rows if r[0] == 0)
    cells = [(r[1], r[2], r[3]) for r in rows if r[0] == 1]
    page = sorted((r[2], r[1]) for r in rows if r[0] == 2)
    return Hits(
        listing_ids=[pk for _, pk in page],
        count=sum(c[2] for c in cells),
        exact=matched <= plan.window,
        facet_cells=cells,
    )
