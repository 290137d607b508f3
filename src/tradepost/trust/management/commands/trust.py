"""`tradepost trust ...`: Trust & Safety jobs to run from cron (each is also done lazily
when the records it touches are read).

- `expire-actions`: end every disciplinary action whose end has passed (clause 6.2). Every
  check already treats such an action as ended, and login and search tidy up lazily; this
  brings the stored statuses (and a suspended member's status) in step.
- `ip-deadlines`: lapse every rights claim whose counter-notice deadline passed without a
  counter-notice (clause 6.1 iv): listings removed, complaint established, IP strike.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tradepost.errors import DomainError


class Command(BaseCommand):
    help = "Trust & Safety jobs (clauses 5.4, 6.1, 6.2): expire actions, rights-claim deadlines."

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
