"""`tradepost trust ...`: Trust & Safety jobs to run from cron (each is also done lazily
when the records it touches are read).

- `ip-deadlines`: lapse every rights claim whose counter-notice deadline passed without a
  counter-notice (clause 6.1 iv): listings removed, complaint established, IP strike.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tradepost.errors import DomainError


class Command(BaseCommand):
    help = "Trust & Safety jobs (clauses 5.4, 6.1, 6.2): rights-claim deadlines."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser(
            "ip-deadlines",
            help="Lapse rights claims whose counter-notice deadline passed (run from cron).",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, "_" + action.replace("-", "_"))(**options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _ip_deadlines(self, **_: Any) -> None:
        from tradepost.trust.services.ip import ip_claims_process_due

        lapsed = ip_claims_process_due()
        self.stdout.write(
            f"{len(lapsed)} rights claim(s) lapsed"
            + (f": {', '.join(map(str, lapsed))}." if lapsed else ".")
        )
