"""`tradepost verification expire`: end the verifications past their validity period (clause
7.2), for cron (daily). The public record and API already ignore a lapsed verification; this
brings the stored statuses and the catalog's verified flag (badges, search filter) in step."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tradepost.billing.services.verification import verification_expire_due


class Command(BaseCommand):
    help = "Verification jobs (clause 7.2): expire verifications past their validity period."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser("expire", help="Expire the verifications past their period (run from cron).")

    def handle(self, *args: Any, **options: Any) -> None:
        count = verification_expire_due()
        self.stdout.write(f"{count} verification{'' if count == 1 else 's'} expired.")
