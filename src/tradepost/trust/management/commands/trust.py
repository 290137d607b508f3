"""`tradepost trust ...`: Trust & Safety jobs to run from cron (each is also done lazily
when the records it touches are read).

- `expire-actions`: end every disciplinary action whose end has passed (clause 6.2). Every
  check already treats such an action as ended, and login and search tidy up lazily; this
  brings the stored statuses (and a suspended member's status) in step.
- `information-deadlines`: information requests (5.9, 7.5) past their deadline become
  overdue and propose a suspension for staff to confirm.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tradepost.errors import DomainError


class Command(BaseCommand):
    help = (
        "Trust & Safety jobs: expire disciplinary actions (6.2); information-request "
        "deadlines (5.9, 7.5)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser(
            "expire-actions",
            help="End the disciplinary actions whose end has passed (run from cron).",
        )
        sub.add_parser(
            "information-deadlines",
            help="Mark overdue the information requests past their deadline; propose "
            "suspensions (run from cron, e.g. every 10 minutes).",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, "_" + action.replace("-", "_"))(**options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _expire_actions(self, **_: Any) -> None:
        from tradepost.trust.services.actions import actions_expire_due

        self.stdout.write(f"{actions_expire_due()} action(s) expired.")

    def _information_deadlines(self, **_: Any) -> None:
        from tradepost.trust.services.requests import information_requests_deadlines_apply

        changed = information_requests_deadlines_apply()
        for request in changed:
            self.stdout.write(
                f"#{request.pk} {request.member.member_id} clause {request.clause}: overdue, "
                "suspension proposed for staff to confirm"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(changed)} request(s) became overdue."))
