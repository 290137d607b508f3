"""The search index (tradepost.catalog.search): SQLite FTS5 or PostgreSQL tsvector + GIN.

Raw SQL per database vendor; the tables are not Django models. The triggers here must match
tradepost.catalog.search.schema, which re-creates them after a migrate if SQLite dropped them.
"""

from django.db import migrations

KW_OLD = "coalesce((SELECT group_concat(value, ' ') FROM json_each(old.keywords)), '')"
KW_NEW = "coalesce((SELECT group_concat(value, ' ') FROM json_each(new.keywords)), '')"

SQLITE = [
    """CREATE TABLE catalog_search_doc (
    docid INTEGER PRIMARY KEY,
    listing_id INTEGER NOT NULL,
    visible INTEGER NOT NULL,
    published_at REAL,
    tags TEXT NOT NULL,
    currency TEXT NOT NULL,
    price REAL,
    moq INTEGER NOT NULL
)""",
    "CREATE UNIQUE INDEX catalog_search_doc_listing ON catalog_search_doc (listing_id)",
    """CREATE VIRTUAL TABLE catalog_search_fts USING fts5(
    title, keywords, description, tags,
    content='', columnsize=0, tokenize='porter unicode61 remove_diacritics 2'
)""",
    f"""CREATE TRIGGER catalog_search_listing_text
AFTER UPDATE OF title, keywords, description ON catalog_listing
WHEN old.title IS NOT new.title OR old.keywords IS NOT new.keywords
  OR old.description IS NOT new.description
BEGIN
  INSERT INTO catalog_search_fts(catalog_search_fts, rowid, title, keywords, description, tags)
    SELECT 'delete', d.docid, old.title, {KW_OLD}, old.description, d.tags
    FROM catalog_search_doc d WHERE d.listing_id = old.id AND d.visible;
  INSERT INTO catalog_search_fts(rowid, title, keywords, description, tags)
    SELECT d.docid, new.title, {KW_NEW}, new.description, d.tags
    FROM catalog_search_doc d WHERE d.listing_id = new.id AND d.visible;
END""",
    f"""CREATE TRIGGER catalog_search_listing_gone
AFTER DELETE ON catalog_listing
BEGIN
  INSERT INTO catalog_search_fts(catalog_search_fts, rowid, title, keywords, description, tags)
    SELECT 'delete', d.docid, old.title, {KW_OLD}, old.description, d.tags
    FROM catalog_search_doc d WHERE d.listing_id = old.id AND d.visible;
  DELETE FROM catalog_search_doc WHERE listing_id = old.id;
END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS catalog_search_listing_gone",
    "DROP TRIGGER IF EXISTS catalog_search_listing_text",
    "DROP TABLE IF EXISTS catalog_search_fts",
    "DROP TABLE IF EXISTS catalog_search_doc",
]

POSTGRES = [
    "CREATE SEQUENCE catalog_search_seq",
    # Heap rows stay narrow (tsv goes out of line at once), so a GIN bitmap scan reads
    # docids and price/MOQ facts without detoasting; the tier vectors are small and inline.
    """CREATE TABLE catalog_search_doc (
    docid bigint PRIMARY KEY,
    listing_id bigint NOT NULL,
    visible boolean NOT NULL,
    published_at timestamptz,
    currency varchar(3) NOT NULL,
    price numeric(14, 4),
    moq integer NOT NULL,
    tsv tsvector NOT NULL,
    tsv_title tsvector NOT NULL,
    tsv_tk tsvector NOT NULL
) WITH (toast_tuple_target = 128)""",
    "CREATE UNIQUE INDEX catalog_search_doc_listing ON catalog_search_doc (listing_id)",
    "ALTER TABLE catalog_search_doc ALTER COLUMN tsv SET STORAGE EXTERNAL",
    "ALTER TABLE catalog_search_doc ALTER COLUMN tsv_title SET STORAGE MAIN",
    "ALTER TABLE catalog_search_doc ALTER COLUMN tsv_tk SET STORAGE MAIN",
    "CREATE INDEX catalog_search_doc_tsv ON catalog_search_doc USING gin (tsv) WHERE visible",
    "CREATE INDEX catalog_search_doc_tsv_title ON catalog_search_doc USING gin (tsv_title) "
    "WHERE visible",
    "CREATE INDEX catalog_search_doc_tsv_tk ON catalog_search_doc USING gin (tsv_tk) WHERE visible",
    """CREATE FUNCTION catalog_search_listing_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM catalog_search_doc WHERE listing_id = OLD.id;
  RETURN NULL;
END $$""",
    """CREATE FUNCTION catalog_search_listings_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE catalog_search_doc;
  RETURN NULL;
END $$""",
    """CREATE TRIGGER catalog_search_listing_gone
AFTER DELETE ON catalog_listing FOR EACH ROW EXECUTE FUNCTION catalog_search_listing_gone()""",
    """CREATE TRIGGER catalog_search_listings_truncated
AFTER TRUNCATE ON catalog_listing FOR EACH STATEMENT
EXECUTE FUNCTION catalog_search_listings_truncated()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS catalog_search_listings_truncated ON catalog_listing",
    "DROP TRIGGER IF EXISTS catalog_search_listing_gone ON catalog_listing",
    "DROP FUNCTION IF EXISTS catalog_search_listings_truncated()",
    "DROP FUNCTION IF EXISTS catalog_search_listing_gone()",
    "DROP TABLE IF EXISTS catalog_search_doc",
    "DROP SEQUENCE IF EXISTS catalog_search_seq",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements_by_vendor:
            raise RuntimeError(f"Search needs SQLite or PostgreSQL, not {vendor}.")
        for sql in statements_by_vendor[vendor]:
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_supplier_tiers_moderation_policy"),
        ("members", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
            elidable=False,
        ),
    ]
