"""Reads of Promotion Services (clause 2.6): what search places for a query, and a member's
own promotions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from tradepost.billing.models.promotions import (
    PromotionStatus,
    SponsoredCampaign,
    TopRankingPurchase,
)
from tradepost.billing.rules import promotions as rules
from tradepost.billing.services.promotions import (
    click_token,
    promotion_refusal,
    promotions_stop_for_member,
)
from tradepost.catalog.promotions import Placement
from tradepost.errors import NotFound
from tradepost.members.models import Member
from tradepost.policy.promotions import load_promotions_policy
from tradepost.trade.rules.ledger import minor_unit

# One statement for both services: a search without promotions pays one cheap query.
_CANDIDATES = """SELECT 't', p.id, p.listing_id, p.member_id, m.status, {price}, p.keyword,
    NULL, NULL, NULL, p.currency, NULL, p.created_at
FROM billing_toprankingpurchase p JOIN members_member m ON m.id = p.member_id
WHERE p.keyword IN ({marks}) AND p.status = 'active' AND p.starts_at <= %s AND p.ends_at > %s
UNION ALL
SELECT 's', c.id, c.listing_id, c.member_id, m.status, {bid}, k.keyword,
    {budget}, c.spent_day, {spent}, c.currency, {rating}, c.created_at
FROM billing_sponsoredkeyword k
JOIN billing_sponsoredcampaign c ON c.id = k.campaign_id
JOIN members_member m ON m.id = c.member_id
LEFT JOIN catalog_supplierrating r ON r.member_id = c.member_id
WHERE k.keyword IN ({marks}) AND c.status = 'active'"""


@dataclass
class _Row:
    kind: str
    pk: int
    listing_id: int
    member_pk: int
    member_status: str
    amount: Decimal
    keyword: str
    budget: Decimal | None
    spent_day: Any
    spent: Decimal | None
    currency: str
    rating: Decimal | None
    created_at: Any


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _candidates(keys: tuple[str, ...], now: datetime) -> list[_Row]:
    sqlite = connection.vendor == "sqlite"

    def cast(column: str) -> str:
        return f"CAST({column} AS TEXT)" if sqlite else column

    marks = ",".join(["%s"] * len(keys))
    sql = _CANDIDATES.format(
        marks=marks,
        price=cast("p.price_per_day"),
        bid=cast("c.bid"),
        budget=cast("c.daily_budget"),
        spent=cast("c.spent_today"),
        rating=cast("r.average"),
    )
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*keys, at, at, *keys])
        raw = cursor.fetchall()
    rows = []
    for r in raw:
        rows.append(
            _Row(
                kind=r[0],
                pk=r[1],
                listing_id=r[2],
                member_pk=r[3],
                member_status=r[4],
                amount=_dec(r[5]) or Decimal(0),
                keyword=r[6],
                budget=_dec(r[7]),
                spent_day=r[8],
                spent=_dec(r[9]),
                currency=r[10],
                rating=_dec(r[11]),
                created_at=r[12],
            )
        )
    return rows


def _refusals(rows: list[_Row], now: datetime) -> dict[int, str]:
    """Clause 2.6 and 6.2: the members among the candidates whose promotions must stop."""
    refused: dict[int, str] = {}
    for member_pk, status in {(r.member_pk, r.member_status) for r in rows}:
        member = Member(pk=member_pk, status=status)
        reason = promotion_refusal(member, now)
        if reason:
            refused[member_pk] = reason
    return refused


def _today_spent(row: _Row, today: Any) -> Decimal:
    day = row.spent_day
    if isinstance(day, str):
        day = datetime.fromisoformat(day).date()
    return (row.spent or Decimal(0)) if day == today else Decimal(0)


def search_placements(keys: tuple[str, ...], now: datetime | None = None) -> list[Placement]:
    """Clause 2.6: for a query's keys, the Top Ranking listings (the keyword's slots, in
    purchase order, or by price per day when allocation is "bid"), then the Sponsored ads
    the auction gives the page's ad slots, each linked through its click URL. A member
    enforcement stops is left out, and its promotions are stopped on the spot."""
    now = now or timezone.now()
    policy = load_promotions_policy()
    rows = _candidates(keys, now)
    if not rows:
        return []
    refused = _refusals(rows, now)
    if refused:
        for member_pk, reason in refused.items():
            promotions_stop_for_member(member_pk=member_pk, reason=reason, now=now)
        rows = [r for r in rows if r.member_pk not in refused]
    tops = [r for r in rows if r.kind == "t"]
    top_keyword = next((k for k in keys if any(t.keyword == k for t in tops)), None)
    chosen = [t for t in tops if t.keyword == top_keyword]
    if policy.top_ranking.allocation == "bid":
        chosen.sort(key=lambda t: (-t.amount, t.created_at, t.pk))
    else:
        chosen.sort(key=lambda t: (t.created_at, t.pk))
    placed = [
        Placement(listing_id=t.listing_id, kind="top_ranking")
        for t in chosen[: policy.top_ranking.slots_per_keyword]
    ]
    taken = {p.listing_id for p in placed}
    sponsored = policy.sponsored
    today = now.date()
    ads: dict[int, tuple[_Row, set[str]]] = {}
    for r in rows:
        if r.kind != "s" or r.listing_id in taken or r.currency not in sponsored.min_bid:
            continue
        ads.setdefault(r.pk, (r, set()))[1].add(r.keyword)
    candidates = []
    for row, keywords in ads.values():
        min_bid = sponsored.min_bid[row.currency]
        if (row.budget or Decimal(0)) - _today_spent(row, today) < min_bid:
            continue  # the day's budget is spent: the ad rests until tomorrow
        relevance = rules.ad_relevance(keywords=keywords, keys=keys, policy=sponsored)
        candidates.append(
            rules.AdCandidate(
                campaign_id=row.pk,
                listing_id=row.listing_id,
                bid=row.amount,
                min_bid=min_bid,
                unit=minor_unit(row.currency),
                quality=rules.ad_quality(relevance=relevance, rating=row.rating, policy=sponsored),
            )
        )
    seen_listings = set(taken)
    for slot in rules.ad_auction(candidates, slots=len(candidates)):
        if len(placed) - len(taken) >= sponsored.ad_slots_per_page:
            break
        if slot.listing_id in seen_listings:
            continue
        seen_listings.add(slot.listing_id)
        token = click_token(campaign_id=slot.campaign_id, price=slot.price)
        placed.append(
            Placement(
                listing_id=slot.listing_id,
                kind="sponsored",
                click_url=reverse("billing:promotion_click", args=[slot.campaign_id, token]),
            )
        )
    return placed


# --- A member's own promotions ------------------------------------------------------------


def top_rankings_of(member: Member) -> QuerySet[TopRankingPurchase]:
    return (
        TopRankingPurchase.objects.filter(member=member)
        .select_related("listing")
        .order_by("-created_at", "-pk")
    )


def campaigns_of(member: Member) -> QuerySet[SponsoredCampaign]:
    return (
        SponsoredCampaign.objects.filter(member=member)
        .select_related("listing")
        .order_by("-created_at", "-pk")
    )


def campaign_for_member(*, member: Member, campaign_id: int) -> SponsoredCampaign:
    campaign = campaigns_of(member).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound("Campaign not found.")
    return campaign


def is_running(promotion: TopRankingPurchase | SponsoredCampaign, now: datetime) -> bool:
    if promotion.status != PromotionStatus.ACTIVE:
        return False
    if isinstance(promotion, TopRankingPurchase):
        return promotion.starts_at <= now < promotion.ends_at
    return True
