"""`tradepost feedback_ratings`: recount every member's rating that search shows, filters and
sorts by (clause 3.6) from the counted feedback. The feedback services keep it in step and
migration trade 0007 filled it; this is for repairs (say after restoring a backup). Safe to
run again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tradepost.trade.services.feedback import feedback_ratings_rebuild


class Command(BaseCommand):
    help = "Recount the members' ratings shown in search from the counted feedback."

    def handle(self, *args: Any, **options: Any) -> None:
        rated = feedback_ratings_rebuild()
        self.stdout.write(f"Ratings recounted: {rated} member(s) rated.")
