"""Shared set-up for the Promotion Services tests: suppliers with searchable listings."""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import ApiClient
from tests.factories import member_create, searchable_listing
from tradepost.billing.services import promotions as services
from tradepost.catalog.services import supplier_rating_record
from tradepost.members.services import api_token_create


def client_for(member) -> ApiClient:
    _, raw = api_token_create(user=member.user, name="test")
    return ApiClient(token=raw)


def supplier(rating: str | None = None):
    member = member_create(country="CN", roles=["supplier"])
    if rating is not None:
        supplier_rating_record(member_pk=member.pk, average=Decimal(rating), count=3)
    return member


def listing(member, category, title: str = "Steel flange DN50", **kw):
    return searchable_listing(member, category, title=title, **kw)


def campaign(member, listing_, *, keywords=("flange",), bid="1.00", budget="10.00", currency="USD"):
    return services.sponsored_create(
        member=member,
        listing_id=listing_.pk,
        keywords=list(keywords),
        bid=bid,
        daily_budget=budget,
        currency=currency,
        by=None,
    )


def top(member, listing_, keyword="flange", days=7):
    return services.top_ranking_buy(
        member=member, listing_id=listing_.pk, keyword=keyword, days=days, by=None
    )
