"""PostgreSQL search: one weighted tsvector instead of three.

`tsv` now carries the fields as weights (title A, keywords B, description D) and a bucket
tag per listing (tradepost.catalog.search.postgres explains both); the per-tier vectors
`tsv_title` and `tsv_tk` go, and the tiers' GIN indexes are built over `ts_filter(tsv)`
expressions instead. The table is made anew and the index rebuilt
from the listings. SQLite's index is unchanged.
"""

from django.db import migrations

POSTGRES = [
    "DROP TABLE catalog_search_doc",
    """CREATE TABLE catalog_search_doc (
    docid bigint PRIMARY KEY,
    listing_id bigint NOT NULL,
    visible boolean NOT NULL,
    published_at timestamptz,
    currency varchar(3) NOT NULL,
    price numeric(14, 4),
    moq integer NOT NULL,
    tsv tsvector NOT NULL
)""",
    "CREATE UNIQUE INDEX catalog_search_doc_listing ON catalog_search_doc (listing_id)",
    "CREATE INDEX catalog_search_doc_tsv ON catalog_search_doc USING gin (tsv) WHERE visible",
    "CREATE INDEX catalog_search_doc_title ON catalog_search_doc "
    "USING gin ((ts_filter(tsv, '{a}'))) WHERE visible",
    "CREATE INDEX catalog_search_doc_title_keywords ON catalog_search_doc "
    "USING gin ((ts_filter(tsv, '{a,b}'))) WHERE visible",
]
# Back to 0003's table (empty: the code of that version rebuilds it with rebuild_index()).
POSTGRES_BACK = [
    "DROP TABLE catalog_search_doc",
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
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in POSTGRES:
        schema_editor.execute(sql, params=None)
    # The index is derived data: fill it from the listings with the current code.
    from tradepost.catalog.search import postgres

    postgres.rebuild()


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in POSTGRES_BACK:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_staff_audit")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
