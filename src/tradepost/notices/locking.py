"""The locking querysets of the notices app, in one place (read-modify-write goes through these).

On PostgreSQL these take row locks; on SQLite `select_for_update` is a no-op and the IMMEDIATE
transaction mode of the settings serialises writers instead.
"""

from __future__ import annotations

from datetime import datetime

from tradepost.notices.models import DeliveryStatus, EmailDelivery, Notice, NoticeCampaign


def campaign_for_update(*, campaign_pk: int) -> NoticeCampaign:
    return NoticeCampaign.objects.select_for_update().get(pk=campaign_pk)


def notice_for_update(*, notice_pk: int) -> Notice:
    return Notice.objects.select_for_update().get(pk=notice_pk)


def notices_for_update(*, notice_pks: list[int]) -> dict[int, Notice]:
    return {n.pk: n for n in Notice.objects.select_for_update().filter(pk__in=notice_pks)}


def claimable_delivery_ids(*, delivery_ids: list[int], now: datetime) -> list[int]:
    """Pending deliveries among `delivery_ids` that are due, locked; skips rows another
    sender holds (it will record them)."""
    return list(
        EmailDelivery.objects.select_for_update(skip_locked=True)
        .filter(pk__in=delivery_ids, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
