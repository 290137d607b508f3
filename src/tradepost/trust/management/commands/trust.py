"""`tradepost trust ...`: Trust & Safety jobs for cron (each also happens lazily on read).

information-deadlines  information requests (5.9, 7.5) past their deadline become overdue
                       and propose a suspension for staff to confirm
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tradepost.errors import DomainError
from tradepost.trust.services import requests as information_requests


class Command(BaseCommand):
    help = "Trust & Safety jobs: information-request deadlines (5.9, 7.5)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser(
            "information-deadlines",
            help="Mark overdue the information requests past their deadline; propose "
            "suspensions (run it from cron, e.g. every 10 minutes).",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, "_" + action.replace("-", "_"))(**options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _information_deadlines(self, **_: Any) -> None:
        changed = information_requests.information_requests_deadlines_apply()
        for request in changed:
            self.stdout.write(
                f"#{request.pk} {request.member.member_id} clause {request.clause}: overdue, "
                "suspension proposed for staff to confirm"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(changed)} request(s) became overdue."))
