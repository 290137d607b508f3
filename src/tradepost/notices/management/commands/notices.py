"""`tradepost notices ...`: run or resume Terms update fan-outs, retry emails, show progress.

A Terms version is announced (posted and its fan-out queued) by `tradepost terms announce`.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tradepost.errors import DomainError
from tradepost.notices import selectors, services
from tradepost.notices.models import NoticeCampaign


class Command(BaseCommand):
    help = "Legal notices (clause 11): fan-outs of Terms updates, email retries, progress."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        fanout = sub.add_parser(
            "fanout", help="Run or resume a campaign's fan-out here, showing progress."
        )
        fanout.add_argument("campaign_id", type=int)
        fanout.add_argument("--batch-size", type=int, default=None)
        retry = sub.add_parser(
            "retry", help="Queue every pending email that is due (run it from cron)."
        )
        retry.add_argument(
            "--grace-seconds",
            type=int,
            default=int(services.RETRY_SWEEP_GRACE.total_seconds()),
            help="Leave alone emails due for less than this; the queue has them (%(default)s).",
        )
        retry.add_argument(
            "--include-failed",
            action="store_true",
            help="Also send once more the emails that gave up after the last attempt.",
        )
        sub.add_parser("status", help="Progress of every campaign.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _fanout(self, *, campaign_id: int, batch_size: int | None, **_: Any) -> None:
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            campaign = NoticeCampaign.objects.get(pk=campaign_id)
        except NoticeCampaign.DoesNotExist:
            raise CommandError(f"No campaign {campaign_id}.") from None
        if campaign.processed:
            self.stdout.write(
                f"Resuming campaign {campaign.pk} after member #{campaign.last_member_pk} "
                f"({campaign.processed}/{campaign.total} done)."
            )
        started = time.monotonic()
        done_before = campaign.processed
        shown = {"batches": campaign.batches}

        def progress(c: NoticeCampaign) -> None:
            if c.batches == shown["batches"]:
                return  # the closing look found no one left: nothing new to show
            shown["batches"] = c.batches
            elapsed = time.monotonic() - started
            rate = (c.processed - done_before) / elapsed if elapsed > 0 else 0.0
            self.stdout.write(
                f"batch {c.batches}: {c.processed}/{c.total} ({c.percent}%) {rate:,.0f} members/s"
            )

        campaign = services.notice_campaign_run(
            campaign_pk=campaign.pk, batch_size=batch_size, on_batch=progress
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Campaign {campaign.pk} {campaign.status}: {campaign.processed} members "
                f"notified in {time.monotonic() - started:.1f}s."
            )
        )

    def _retry(self, *, grace_seconds: int, include_failed: bool, **_: Any) -> None:
        if include_failed:
            failed = list(selectors.email_deliveries_failed().values_list("pk", flat=True))
            rearmed = services.email_deliveries_rearm(delivery_ids=failed)
            self.stdout.write(f"Re-armed {rearmed} failed email(s).")
        queued = services.email_deliveries_retry_due(grace=timedelta(seconds=grace_seconds))
        self.stdout.write(f"Queued {queued} due email(s).")

    def _status(self, **_: Any) -> None:
        campaigns = NoticeCampaign.objects.order_by("pk")
        if not campaigns:
            self.stdout.write("No campaigns.")
        for campaign in campaigns:
            p = selectors.campaign_progress(campaign)
            self.stdout.write(
                f"{p['campaign']:>5} {p['site']:<11} {p['status']:<10} "
                f"{p['processed']}/{p['total']} ({p['percent']}%)  emails: {p['emails_sent']} "
                f"sent, {p['emails_pending']} pending, {p['emails_failed']} failed"
            )
