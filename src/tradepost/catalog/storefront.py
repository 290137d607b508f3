"""The storefront's listing cards: the shared card (`catalog.cards`) for each listing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tradepost.catalog import listing_page
from tradepost.catalog.models import Listing, ListingImage


@dataclass(frozen=True)
class StoreCard:
    listing: Listing
    image: ListingImage | None
    price_range: str
    moq: str


def storefront_cards(listings: Sequence[Listing]) -> list[StoreCard]:
    cards = []
    for listing in listings:
        images = list(listing.images.all())
        tiers = list(listing.price_tiers.all())
        cards.append(
            StoreCard(
                listing,
                images[0] if images else None,
                listing_page.price_range(tiers, currency=listing.currency),
                listing_page.quantity(listing.moq, listing.unit),
            )
        )
    return cards
