"""Background tasks of the notices app (django-tasks). Thin: each calls one service.

The rows they act on are the source of truth, not the queue: a task that is lost or fails
leaves its email deliveries pending and its campaign cursor where it was, and
`tradepost notices retry` / `tradepost notices fanout` pick them up again.
"""

from __future__ import annotations

from django_tasks import task

from tradepost.pauses import pausable


@task()
@pausable
def send_notice_emails(delivery_ids: list[int]) -> dict:
    """Hand these notices' emails to the mail backend over one connection (11.2 a)."""
    from tradepost.notices import services

    return services.email_deliveries_send(delivery_ids=delivery_ids).as_dict()


@task()
@pausable
def run_notice_campaign(campaign_pk: int) -> dict:
    """Run or resume a Terms update fan-out to the end (1.3)."""
    from tradepost.notices import selectors, services

    campaign = services.notice_campaign_run(campaign_pk=campaign_pk)
    return selectors.campaign_progress(campaign)
