"""Promotion Services decisions (clause 2.6), pure functions of plain data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, ROUND_UP, Decimal

from tradepost.policy.promotions import ClickBillingPolicy, SponsoredPolicy

AUCTION_RULE = "2.6.gsp"


@dataclass(frozen=True)
class AdCandidate:
    """An eligible ad: its bid (in `currency`), the currency's minimum bid and quality."""

    campaign_id: int
    listing_id: int
    bid: Decimal
    min_bid: Decimal
    unit: Decimal  # the currency's minor unit
    quality: Decimal

    @property
    def score(self) -> Decimal:
        """bid x quality, the bid counted in minimum bids so currencies compare."""
        return self.bid / self.min_bid * self.quality


@dataclass(frozen=True)
class AdSlot:
    campaign_id: int
    listing_id: int
    position: int  # 1 is the first ad
    price: Decimal  # what a click costs, in the ad's currency
    rule: str = AUCTION_RULE


def ad_quality(*, relevance: Decimal, rating: Decimal | None, policy: SponsoredPolicy) -> Decimal:
    """Clause 2.6: quality from relevance and the supplier's rating (unrated counts as the
    policy's `unrated_rating`)."""
    stars = policy.unrated_rating if rating is None else rating
    return policy.relevance_weight * relevance + policy.rating_weight * (stars / 5)


def ad_relevance(*, keywords: set[str], keys: Sequence[str], policy: SponsoredPolicy) -> Decimal:
    """The whole query as a keyword is an exact match; one of its words or phrases is partial."""
    if keys and keys[0] in keywords:
        return policy.exact_relevance
    return policy.partial_relevance


def ad_auction(candidates: Sequence[AdCandidate], *, slots: int) -> list[AdSlot]:
    """Clause 2.6: a generalised second-price auction. Ads rank by bid x quality (earlier
    campaign first on a tie); the click price at position i is the least bid that keeps it
    above the next ad, bid_{i+1} x q_{i+1} / q_i plus one minor unit, never above its own bid
    and never below the minimum bid. The last shown ad is priced against the first ad left
    out, or the minimum bid when none is."""
    ranked = sorted(
        (c for c in candidates if c.quality > 0 and c.bid >= c.min_bid),
        key=lambda c: (-c.score, c.campaign_id),
    )
    shown: list[AdSlot] = []
    for i, ad in enumerate(ranked[:slots]):
        if i + 1 < len(ranked):
            nxt = ranked[i + 1]
            # the bid, in this ad's currency, whose score equals the next ad's
            needed = (nxt.score / ad.quality * ad.min_bid).quantize(ad.unit, rounding=ROUND_DOWN)
            price = needed + ad.unit
        else:
            price = ad.min_bid
        price = min(ad.bid, max(ad.min_bid, price)).quantize(ad.unit, rounding=ROUND_UP)
        shown.append(AdSlot(ad.campaign_id, ad.listing_id, i + 1, price))
    return shown


@dataclass(frozen=True)
class ClickHistory:
    """What the click rules read: clicks of this client and device in the burst period, and
    whether this client's click on this ad was billed within the billing window."""

    client_clicks_in_burst: int  # before this click
    device_clicks_in_burst: int
    billed_in_window: bool


@dataclass(frozen=True)
class ClickDecision:
    bill: bool
    outcome: str  # ClickOutcome value
    rule: str


def click_decision(history: ClickHistory, *, policy: ClickBillingPolicy) -> ClickDecision:
    """Clause 2.6: a click is billed once per client per ad per window; more than
    `burst_clicks` from one client address or one device within `burst_seconds` are not
    billed (recorded, though). Budget and enforcement are checked by the service."""
    if (
        history.client_clicks_in_burst >= policy.burst_clicks
        or history.device_clicks_in_burst >= policy.burst_clicks
    ):
        return ClickDecision(False, "burst", "2.6.click.burst")
    if history.billed_in_window:
        return ClickDecision(False, "repeat", "2.6.click.window")
    return ClickDecision(True, "billed", "2.6.click.billed")


def burst_since(now: datetime, policy: ClickBillingPolicy) -> datetime:
    return now - timedelta(seconds=policy.burst_seconds)


def window_since(now: datetime, policy: ClickBillingPolicy) -> datetime:
    return now - timedelta(hours=policy.window_hours)


def budget_charge(*, price: Decimal, budget: Decimal, spent: Decimal) -> Decimal:
    """Clause 2.6: what a billed click may take without overspending the daily budget (the
    rest of the budget when the price is above it; zero when it is spent)."""
    return max(Decimal(0), min(price, budget - spent))
