"""Promotion Services API (clause 2.6): buy a Top Ranking keyword, create a Sponsored
Listing campaign, and read the member's own promotions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from tradepost.api_paging import LazyRows, LimitOffsetPaging
from tradepost.billing.models.promotions import SponsoredCampaign, TopRankingPurchase
from tradepost.billing.selectors import promotions as selectors
from tradepost.billing.services import promotions as services
from tradepost.members.api import request_member
from tradepost.money import decimal_str
from tradepost.trade.services.idempotency import idempotent_call

router = Router()


class TopRankingIn(Schema):
    keyword: Any = None
    listing_id: Any = None
    days: Any = None
    bid: Any = Field(None, description='Price per keyword-day, read when allocation is "bid"')


class SponsoredIn(Schema):
    listing_id: Any = None
    keywords: Any = None
    bid: Any = None
    daily_budget: Any = None
    currency: Any = None


class TopRankingOut(Schema):
    id: int
    keyword: str
    listing_id: int
    days: int
    starts_at: str
    ends_at: str
    price: str
    currency: str
    status: str = Field(..., description="active, stopped (by enforcement) or ended")
    running: bool
    payment_provider: str = Field(..., description="SIMULATED: no real money moves")


class SponsoredOut(Schema):
    id: int
    listing_id: int
    keywords: list[str]
    bid: str
    daily_budget: str
    currency: str
    status: str
    spent_today: str
    spent_total: str


def top_ranking_out(purchase: TopRankingPurchase) -> dict[str, Any]:
    now = timezone.now()
    status = purchase.status
    if status == "active" and purchase.ends_at <= now:
        status = "ended"
    return {
        "id": purchase.pk,
        "keyword": purchase.keyword,
        "listing_id": purchase.listing_id,
        "days": purchase.days,
        "starts_at": purchase.starts_at.isoformat(),
        "ends_at": purchase.ends_at.isoformat(),
        "price": decimal_str(purchase.price),
        "currency": purchase.currency,
        "status": status,
        "running": selectors.is_running(purchase, now),
        "payment_provider": "SIMULATED",
    }


def sponsored_out(campaign: SponsoredCampaign) -> dict[str, Any]:
    today = timezone.now().date()
    spent = campaign.spent_today if campaign.spent_day == today else Decimal(0)
    return {
        "id": campaign.pk,
        "listing_id": campaign.listing_id,
        "keywords": list(campaign.keywords),
        "bid": decimal_str(campaign.bid),
        "daily_budget": decimal_str(campaign.daily_budget),
        "currency": campaign.currency,
        "status": campaign.status,
        "spent_today": decimal_str(spent),
        "spent_total": decimal_str(campaign.spent_total),
    }


def _run(request: HttpRequest, run: Any) -> HttpResponse:
    """An Idempotency-Key, when sent, makes a retry answer what the first call answered."""
    result = idempotent_call(
        user=request.user,
        key=request.headers.get("Idempotency-Key"),
        method=request.method or "POST",
        path=request.path,
        body=request.body,
        run=run,
        required=False,
    )
    response = HttpResponse(result.body, status=result.status, content_type=result.content_type)
    if result.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


@router.post("/promotions/top-ranking", response={201: TopRankingOut})
def top_ranking_buy(request: HttpRequest, payload: TopRankingIn) -> HttpResponse:
    """Clause 2.6: the listing takes a top slot for searches matching the keyword for
    `days` days, paid now with the SIMULATED provider; 409 `top_ranking_full` when the
    keyword's slots are taken for the period (nothing is charged)."""
    member = request_member(request)

    def run() -> tuple[int, Any]:
        purchase = services.top_ranking_buy(
            member=member,
            listing_id=payload.listing_id,
            keyword=payload.keyword,
            days=payload.days,
            bid=payload.bid,
            by=request.user,
        )
        return 201, top_ranking_out(purchase)

    return _run(request, run)


@router.get("/promotions/top-ranking", response=list[TopRankingOut])
@paginate(LimitOffsetPaging)
def top_ranking_list(request: HttpRequest) -> LazyRows:
    """The caller's own Top Ranking keywords, newest first."""
    member = request_member(request)
    return LazyRows(selectors.top_rankings_of(member), top_ranking_out)


@router.post("/promotions/sponsored", response={201: SponsoredOut})
def sponsored_create(request: HttpRequest, payload: SponsoredIn) -> HttpResponse:
    """Clause 2.6: a cost-per-click campaign; clicks are billed at the auction price, never
    above the bid nor past the daily budget."""
    member = request_member(request)

    def run() -> tuple[int, Any]:
        campaign = services.sponsored_create(
            member=member,
            listing_id=payload.listing_id,
            keywords=payload.keywords,
            bid=payload.bid,
            daily_budget=payload.daily_budget,
            currency=payload.currency,
            by=request.user,
        )
        return 201, sponsored_out(campaign)

    return _run(request, run)


@router.get("/promotions/sponsored", response=list[SponsoredOut])
@paginate(LimitOffsetPaging)
def sponsored_list(request: HttpRequest) -> LazyRows:
    """The caller's own Sponsored campaigns, newest first."""
    member = request_member(request)
    return LazyRows(selectors.campaigns_of(member), sponsored_out)
