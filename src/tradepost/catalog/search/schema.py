"""The triggers that keep the index in step with `catalog_listing`, and their guard.

Migration 0003 creates the index tables and these triggers. SQLite drops a table's triggers
whenever Django remakes the table (which its schema editor does for many field changes), so
after every `migrate` the guard re-creates any trigger that is missing and, if one was,
rebuilds the index, whose text may then lag behind. The SQL below must stay identical to the
latest migration that creates the triggers (a test compares them with the database).
"""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_KEYWORDS_OLD = "coalesce((SELECT group_concat(value, ' ') FROM json_each(old.keywords)), '')"
SQLITE_KEYWORDS_NEW = "coalesce((SELECT group_concat(value, ' ') FROM json_each(new.keywords)), '')"

SQLITE_TRIGGERS = {
    "catalog_search_listing_text": f"""CREATE TRIGGER catalog_search_listing_text
AFTER UPDATE OF title, keywords, description ON catalog_listing
WHEN old.title IS NOT new.title OR old.keywords IS NOT new.keywords
  OR old.description IS NOT new.description
BEGIN
  INSERT INTO catalog_search_fts(catalog_search_fts, rowid, title, keywords, description, tags)
    SELECT 'delete', d.docid, old.title, {SQLITE_KEYWORDS_OLD}, old.description, d.tags
    FROM catalog_search_doc d WHERE d.listing_id = old.id AND d.visible;
  INSERT INTO catalog_search_fts(rowid, title, keywords, description, tags)
    SELECT d.docid, new.title, {SQLITE_KEYWORDS_NEW}, new.description, d.tags
    FROM catalog_search_doc d WHERE d.listing_id = new.id AND d.visible;
END""",
    "catalog_search_listing_gone": f"""CREATE TRIGGER catalog_search_listing_gone
AFTER DELETE ON catalog_listing
BEGIN
  INSERT INTO catalog_search_fts(catalog_search_fts, rowid, title, keywords, description, tags)
    SELECT 'delete', d.docid, old.title, {SQLITE_KEYWORDS_OLD}, old.description, d.tags
    FROM catalog_search_doc d WHERE d.listing_id = old.id AND d.visible;
  DELETE FROM catalog_search_doc WHERE listing_id = old.id;
END""",
}

POSTGRES_TRIGGERS = {
    "catalog_search_listing_gone": """CREATE TRIGGER catalog_search_listing_gone
AFTER DELETE ON catalog_listing FOR EACH ROW EXECUTE FUNCTION catalog_search_listing_gone()""",
    "catalog_search_listings_truncated": """CREATE TRIGGER catalog_search_listings_truncated
AFTER TRUNCATE ON catalog_listing FOR EACH STATEMENT
EXECUTE FUNCTION catalog_search_listings_truncated()""",
}


def existing_triggers(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'catalog_listing'::regclass"
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cursor.fetchall()}


def ensure_triggers(connection: BaseDatabaseWrapper) -> list[str]:
    """Re-create the index triggers that are missing; returns their names."""
    wanted = POSTGRES_TRIGGERS if connection.vendor == "postgresql" else SQLITE_TRIGGERS
    with connection.cursor() as cursor:
        if "catalog_search_doc" not in connection.introspection.table_names(cursor):
            return []
        missing = sorted(set(wanted) - existing_triggers(connection))
        for name in missing:
            cursor.execute(wanted[name])
    return missing


def guard_after_migrate(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: restore missing triggers and rebuild the index they left stale."""
    if sender.label != "catalog":
        return
    from django.db import transaction

    from tradepost.catalog.search import rebuild_index

    connection = connections[using]
    with transaction.atomic(using=using):
        if ensure_triggers(connection):
            rebuild_index()
