"""`tradepost catalog_thumbnails`: make the thumbnails of listing images stored without them
(uploaded before thumbnails were made on upload). Safe to run again: it does only what is
missing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tradepost.catalog import services


class Command(BaseCommand):
    help = "Make the missing thumbnails of listing images."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None, help="At most this many images.")

    def handle(self, *args: Any, limit: int | None = None, **options: Any) -> None:
        done = services.listing_thumbnails_backfill(limit=limit)
        self.stdout.write(f"Thumbnails made for {done} listing image(s).")
