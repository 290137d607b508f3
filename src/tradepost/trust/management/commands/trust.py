"""`tradepost trust ...`: Trust & Safety jobs to run from cron, and maintenance (each job is
also done lazily when the records it touches are read).

- `expire-actions`: end every disciplinary action whose end has passed (clause 6.2). Every
  check already treats such an action as ended, and login and search tidy up lazily; this
  brings the stored statuses (and a suspended member's status) in step.
- `ip-deadlines`: lapse every rights claim whose counter-notice deadline passed without a
  counter-notice (clause 6.1 iv): listings removed, complaint established, IP strike.
- `rebuild-clusters`: recompute every related-account cluster from the identity signals and
  staff's false-positive marks (clause 6.2 (i)); `--verify` also says whether the clusters
  kept up to date signal by signal were the same.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tradepost.errors import DomainError
from tradepost.trust.models.links import MemberCluster


def _partition() -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for member_id, root in MemberCluster.objects.values_list("member_id", "root").iterator(
        chunk_size=10_000
    ):
        groups.setdefault(root, set()).add(member_id)
    return {frozenset(group) for group in groups.values()}


class Command(BaseCommand):
    help = (
        "Trust & Safety jobs and maintenance (clauses 5.4, 6.1, 6.2): expire actions, "
        "rights-claim deadlines, related-account clusters."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser(
            "expire-actions",
            help="End the disciplinary actions whose end has passed (run from cron).",
        )
        sub.add_parser(
            "ip-deadlines",
            help="Lapse rights claims whose counter-notice deadline passed (run from cron).",
        )
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
        try:
            getattr(self, "_" + action.replace("-", "_"))(**options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _expire_actions(self, **_: Any) -> None:
        from tradepost.trust.services.actions import actions_expire_due

        self.stdout.write(f"{actions_expire_due()} action(s) expired.")

    def _ip_deadlines(self, **_: Any) -> None:
        from tradepost.trust.services.ip import ip_claims_process_due

        lapsed = ip_claims_process_due()
        self.stdout.write(
            f"{len(lapsed)} rights claim(s) lapsed"
            + (f": {', '.join(map(str, lapsed))}." if lapsed else ".")
        )

    def _rebuild_clusters(self, *, verify: bool = False, **_: Any) -> None:
        from tradepost.trust.services import links

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
