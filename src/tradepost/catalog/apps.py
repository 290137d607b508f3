from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_categories(sender: AppConfig, **kwargs: Any) -> None:
    if sender.label != "catalog":
        return
    from tradepost.catalog.services import categories_sync

    categories_sync()


class CatalogConfig(AppConfig):
    name = "tradepost.catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        # Set-up, not business flow: keeps the category tree in step with the policy file.
        post_migrate.connect(_sync_categories, dispatch_uid="tradepost_catalog_categories")
        # Set-up too: SQLite drops the search index triggers when a migration remakes a table.
        from tradepost.catalog.search.schema import guard_after_migrate

        post_migrate.connect(guard_after_migrate, dispatch_uid="tradepost_catalog_search")
