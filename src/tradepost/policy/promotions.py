"""The Promotion Services policy (`promotions.toml`, clause 2.6): Top Ranking slots and
prices, Sponsored Listing bids, ad quality and the click-fraud rules, validated at load."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Literal

from babel.numbers import get_currency_precision
from pydantic import Field, model_validator

from tradepost.policy import POLICY_DIR, PolicyError, _Strict, load_toml

_ISO = r"^[A-Z]{3}$"


def _check_amounts(amounts: dict[str, Decimal], what: str) -> None:
    for currency, amount in amounts.items():
        if len(currency) != 3 or not currency.isupper():
            raise ValueError(f"{what}: {currency!r} is not an ISO 4217 code")
        if amount <= 0:
            raise ValueError(f"{what}: {currency} must be above zero")
        if amount != amount.quantize(Decimal(1).scaleb(-get_currency_precision(currency))):
            raise ValueError(f"{what}: {currency} {amount} is not in its minor units")


class TopRankingPolicy(_Strict):
    """Clause 2.6: a fixed number of slots per keyword, first come first served or by bid."""

    slots_per_keyword: int = Field(default=3, ge=1, le=20)
    allocation: Literal["first_come", "bid"] = "first_come"
    min_days: int = Field(default=1, ge=1)
    max_days: int = Field(default=90, ge=1, le=366)
    default_currency: str = Field(default="USD", pattern=_ISO)
    price_per_keyword_day: dict[str, Decimal] = Field(min_length=1)

    @model_validator(mode="after")
    def _valid(self) -> TopRankingPolicy:
        _check_amounts(self.price_per_keyword_day, "top_ranking.price_per_keyword_day")
        if self.default_currency not in self.price_per_keyword_day:
            raise ValueError("top_ranking.default_currency has no price_per_keyword_day")
        if self.min_days > self.max_days:
            raise ValueError("top_ranking.min_days is above max_days")
        return self

    def price_currency(self, currency: str) -> str:
        """The currency a keyword-day is priced in for a listing priced in `currency`."""
        return currency if currency in self.price_per_keyword_day else self.default_currency


class ClickBillingPolicy(_Strict):
    """Clause 2.6: clicks billed once per client per ad per window; bursts not billed."""

    window_hours: int = Field(default=24, ge=1, le=24 * 30)
    burst_clicks: int = Field(default=5, ge=1)
    burst_seconds: int = Field(default=60, ge=1, le=86400)
    link_max_age_hours: int = Field(default=24, ge=1, le=24 * 7)


class SponsoredPolicy(_Strict):
    """Clause 2.6: cost-per-click ads ranked by bid x quality (a generalised second-price
    auction), quality from relevance and the supplier's rating."""

    ad_slots_per_page: int = Field(default=2, ge=0, le=10)
    max_keywords: int = Field(default=20, ge=1, le=100)
    relevance_weight: Decimal = Field(default=Decimal("0.6"), ge=0, le=1)
    rating_weight: Decimal = Field(default=Decimal("0.4"), ge=0, le=1)
    unrated_rating: Decimal = Field(default=Decimal("3.0"), ge=1, le=5)
    exact_relevance: Decimal = Field(default=Decimal("1.0"), gt=0, le=1)
    partial_relevance: Decimal = Field(default=Decimal("0.5"), gt=0, le=1)
    min_bid: dict[str, Decimal] = Field(min_length=1)
    click_billing: ClickBillingPolicy = ClickBillingPolicy()

    @model_validator(mode="after")
    def _valid(self) -> SponsoredPolicy:
        _check_amounts(self.min_bid, "sponsored.min_bid")
        if self.relevance_weight + self.rating_weight != 1:
            raise ValueError("sponsored.relevance_weight + rating_weight must be 1")
        return self


class PromotionsPolicy(_Strict):
    clause: str = "2.6"
    top_ranking: TopRankingPolicy
    sponsored: SponsoredPolicy


def parse_promotions_policy(data: dict) -> PromotionsPolicy:
    try:
        return PromotionsPolicy.model_validate(data)
    except ValueError as exc:
        raise PolicyError(f"promotions.toml: {exc}") from exc


@cache
def load_promotions_policy() -> PromotionsPolicy:
    return parse_promotions_policy(load_toml(POLICY_DIR / "promotions.toml"))
