"""The Promotion Services demo (clause 2.6), loaded by `tradepost demo_data` through
`tradepost.demo`: a Top Ranking keyword and a Sponsored campaign on demo listings, bought
through the services (SIMULATED payments), so a search for DEMO_KEYWORD shows both promoted."""

from __future__ import annotations

from decimal import Decimal

from tradepost.billing.models.promotions import SponsoredCampaign, TopRankingPurchase
from tradepost.billing.services.promotions import sponsored_create, top_ranking_buy
from tradepost.catalog.models import Listing, ListingStatus
from tradepost.members.models import Member

DEMO_KEYWORD = "workwear"
DEMO_SUPPLIER = "sales@westlake-textile.example.com"
DEMO_TOP_TITLE = "High-visibility polyester-cotton work jacket"
DEMO_AD_TITLE = "Cotton twill workwear fabric 240gsm"


def _listing(member: Member, title: str) -> Listing | None:
    return Listing.objects.filter(
        supplier=member, title=title, status=ListingStatus.PUBLISHED
    ).first()


def promotions_demo_load() -> int:
    member = Member.objects.filter(email=DEMO_SUPPLIER).first()
    if member is None:
        return 0
    parts = 0
    top = _listing(member, DEMO_TOP_TITLE)
    if top and not TopRankingPurchase.objects.filter(listing=top, keyword=DEMO_KEYWORD).exists():
        top_ranking_buy(member=member, listing_id=top.pk, keyword=DEMO_KEYWORD, days=30, by=None)
        parts += 1
    ad = _listing(member, DEMO_AD_TITLE)
    if ad and not SponsoredCampaign.objects.filter(listing=ad).exists():
        sponsored_create(
            member=member,
            listing_id=ad.pk,
            keywords=[DEMO_KEYWORD, "twill fabric"],
            bid=Decimal("0.50"),
            daily_budget=Decimal("10.00"),
            currency="USD",
            by=None,
        )
        parts += 1
    return parts


def promotions_tour(base_url: str) -> list[str]:
    return [
        f"Promotions         {base_url}/search/?q={DEMO_KEYWORD}  (Top Ranking + Sponsored ad)",
        f"  the supplier's   {base_url}/account/promotions/  ({DEMO_SUPPLIER})",
    ]
