"""The PostgreSQL index: tsvectors and a GIN index in `catalog_search_doc`.

One row per published listing: docid (see keys.py), visibility, price/MOQ facts and three
tsvectors: `tsv` (title, keywords, description and the filter tags as '#'-prefixed lexemes
no query text can produce; GIN-indexed; stored out of line so the heap rows a bitmap scan
reads stay narrow), `tsv_title` and `tsv_tk` (title; title and keywords), small and kept
inline so the relevance tiers of a window are decided without detoasting anything.

A search reads the window tier by tier: the GIN index finds the matches, the first
`window + 1` in order are read (LIMIT before anything else), and plan.hits_from_window does the
rest, as for SQLite. The tier vectors also have GIN indexes, so a tier is an index AND.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from tradepost.catalog.search import keys
from tradepost.catalog.search.plan import Plan, WindowRow

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
        f"(({keys.SEQ_TOP} - ({seq})) << {keys.SEQ_SHIFT}) | ((CASE WHEN l.category_id "
        f"BETWEEN 1 AND {keys.CATEGORY_MASK} THEN l.category_id ELSE 0 END) "
        f"<< {keys.CATEGORY_SHIFT}) | "
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


INDEXES = {
    f"{DOC}_{column}": f"CREATE INDEX {DOC}_{column} ON {DOC} USING gin ({column}) WHERE visible"
    for column in ("tsv", "tsv_title", "tsv_tk")
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


def reindex(listing_ids: Iterable[int]) -> None:
    keep_seq = (
        f"CASE WHEN d.docid IS NOT NULL AND d.published_at IS NOT DISTINCT FROM l.published_at "
        f"THEN {keys.SEQ_TOP} - (d.docid >> {keys.SEQ_SHIFT}) ELSE nextval('{SEQ}') END"
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


def _tags_query(clauses: list[list[str]]) -> str:
    return " & ".join("(" + " | ".join(f"'#{tag}'" for tag in clause) + ")" for clause in clauses)


def window(plan: Plan) -> list[WindowRow]:
    """The first `plan.window + 1` matches in order, with their price facts: the GIN index
    finds the matches and only those rows are read (LIMIT before anything is ranked)."""
    price, price_params = "w.price", []
    if plan.qty is not None:
        price = (
            "(SELECT t.unit_price FROM catalog_pricetier t WHERE t.listing_id = w.listing_id"
            " AND t.min_qty <= %s ORDER BY t.min_qty DESC LIMIT 1)"
        )
        price_params = [plan.qty]
    rows: list[WindowRow] = []
    with connection.cursor() as cursor:
        text = _text_query(cursor, plan)
        match = " & ".join(f"({part})" for part in (text, _tags_query(plan.tag_clauses)) if part)
        tiers: list[tuple[str, list[str]]] = [("TRUE", [])]
        if plan.by_relevance and text:
            tiers = [
                ("tsv_title @@ %s::tsquery", [text]),
                ("tsv_tk @@ %s::tsquery AND NOT tsv_title @@ %s::tsquery", [text, text]),
                ("NOT tsv_tk @@ %s::tsquery", [text]),
            ]
        for tier, tier_params in tiers:
            wanted = plan.window + 1 - len(rows)
            if wanted <= 0:
                break
            cursor.execute(
                f"""SELECT w.docid, w.listing_id, w.moq, {price} FROM (
                    SELECT docid, listing_id, moq, price FROM {DOC}
                    WHERE visible AND tsv @@ %s::tsquery AND {tier}
                    ORDER BY docid LIMIT %s
                ) w ORDER BY w.docid""",
                [*price_params, match or f"'#{keys.ALL_TAG}'", *tier_params, wanted],
            )
            rows += [WindowRow(*row) for row in cursor.fetchall()]
    return rows


def listing_ids(docids: list[int]) -> dict[int, int]:
    if not docids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT docid, listing_id FROM {DOC} WHERE docid = ANY(%s)", [docids])
        return dict(cursor.fetchall())
