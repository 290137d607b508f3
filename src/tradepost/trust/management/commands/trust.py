"""`tradepost trust ...`: Trust & Safety maintenance.

- `tradepost trust rebuild-clusters`: recompute every related-account cluster from the identity
  signals and staff's false-positive marks (clause 6.2 (i)); `--verify` also says whether the
  clusters kept up to date signal by signal were the same.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tradepost.trust.models.links import MemberCluster
from tradepost.trust.services import links


def _partition() -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for member_id, root in MemberCluster.objects.values_list("member_id", "root").iterator(
        chunk_size=10_000
    ):
        groups.setdefault(root, set()).add(member_id)
    return {frozenset(group) for group in groups.values()}


class Command(BaseCommand):
    help = "Trust & Safety maintenance (related-account clusters, clause 6.2 (i))."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        rebuild = sub.add_parser(
            "rebuild-clusters",
            help="Recompute every related-account cluster from the signals, from scratch.",
        )
        rebuild.add_argument(
            "--verify",
            action="store_true",
            help="Compare with the clusters before the rebuild and say whether they matched.",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, "_" + action.replace("-", "_"))(**options)

    def _rebuild_clusters(self, *, verify: bool = False, **_: Any) -> None:
        before = _partition() if verify else None
        result = links.clusters_rebuild()
        timings = ", ".join(f"{k} {v:.2f}s" for k, v in result.seconds.items())
        self.stdout.write(
            f"{result.signals} signals, {result.linked_pairs} linked pairs, "
            f"{result.clustered_members} members in {result.clusters} clusters ({timings})."
        )
        if before is not None:
            same = before == _partition()
            self.stdout.write(
                "Same clusters as before." if same else "Clusters differed; now rebuilt."
            )
