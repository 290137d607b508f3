"""A search as the backends execute it, and what is done with the window they return.

A backend answers two questions: the first `window + 1` matches of the words and the exact
filters, in window order (relevance tiers, or newest first); and, when price or MOQ matter,
which of them pass those filters and in what order. Count, facet cells and the page are
computed here, the same for both backends.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol, TypedDict

from tradepost.catalog.search import keys
from tradepost.catalog.search.query import Term


@dataclass(frozen=True)
class Plan:
    terms: tuple[Term, ...]
    filters: keys.Filters
    currency: str | None  # checked within the window (a rarer currency is a tag instead)
    min_price: Decimal | None
    max_price: Decimal | None
    qty: int | None
    moq_max: int | None
    sort: str
    offset: int
    limit: int
    window: int
    min_rating: int | None = None

    @property
    def rated(self) -> bool:
        """Whether the window needs the suppliers' ratings (a filter or the sort)."""
        return self.min_rating is not None or self.sort == "rating"

    @property
    def ranged(self) -> bool:
        """Whether the window needs each listing's price facts (the index holds none)."""
        return (
            self.currency is not None
            or self.min_price is not None
            or self.max_price is not None
            or self.qty is not None
            or self.moq_max is not None
            or "price" in self.sort
            or self.rated
        )

    @property
    def by_relevance(self) -> bool:
        return self.sort == "relevance" and bool(self.terms)


@dataclass
class Hits:
    """One page of docids in order, plus what the window held."""

    docids: list[int]
    count: int
    exact: bool
    # (category_id, country code, listings) over the window, after price/MOQ filters
    facet_cells: list[tuple[int, int, int]] = field(default_factory=list)


class Backend(Protocol):
    def window(self, plan: Plan) -> list[int]:
        """Docids of the first `plan.window + 1` matches of words and filters, in order."""

    def kept(self, plan: Plan, docids: list[int]) -> list[int]:
        """Of a ranged plan's window, the docids that pass the price, MOQ, currency and rating
        filters: in price order for a price sort (equal prices in window order), in rating
        order for a rating sort, else in window order. The SQL of both backends follows
        `price_filters`."""


TIERS = ("title", "title keywords", "title keywords description")


def ranked_window(
    window: int,
    by_relevance: bool,
    matches: Callable[[str, tuple[int, int] | None], list[int]],
) -> list[int]:
    """The first `window + 1` matches in window order: newest first, or by relevance, in
    three tiers (every term in the title; in title or keywords; anywhere: title > keywords >
    description), newest first within each. Each tier holds the previous tier's matches.

    `matches(columns, between)` gives the first `window + 1` docids (newest first) matching
    in `columns`, optionally only docids in `between`. A broad search fills the window from
    the title tier alone. Otherwise the matches anywhere are read next: when they all fit in
    the window, the middle tier is only read over their span of docids, and when they do not,
    they give the window's tail without a scan of "anywhere but title or keywords", which is
    a NOT no index answers cheaply.
    """
    limit = window + 1
    if not by_relevance:
        return matches(TIERS[-1], None)
    title = matches(TIERS[0], None)
    if len(title) == limit:
        return title
    anywhere = matches(TIERS[-1], None)
    if len(anywhere) <= len(title):  # every match has the terms in its title
        return title
    complete = len(anywhere) < limit
    middle = matches(TIERS[1], (anywhere[0], anywhere[-1]) if complete else None)
    # The middle tier holds the title tier; when it fills the window it is all we need, and
    # otherwise it is complete, so `anywhere` holds enough of the rest.
    seen = set(title)
    found = title + [d for d in middle if d not in seen]
    if len(found) >= limit:
        return found[:limit]
    seen.update(found)
    return (found + [d for d in anywhere if d not in seen])[:limit]


class PriceFilters(TypedDict):
    moq_limit: int | None
    currency: str | None
    priced: bool
    min_price: Decimal | None
    max_price: Decimal | None
    descending: bool
    by_price: bool
    rated: bool
    min_rating: int | None
    by_rating: bool


def price_filters(plan: Plan) -> PriceFilters:
    """What a ranged plan asks of each listing: MOQ at most `moq_limit`, priced in
    `currency`, a price (at `qty` when given, else the lowest) between the bounds, a supplier
    rated at least `min_rating` (clause 3.6). A rating sort puts the best average first,
    then the most ratings, then window order; unrated suppliers' listings last."""
    limits = [x for x in (plan.qty, plan.moq_max) if x is not None]
    return {
        "moq_limit": min(limits) if limits else None,
        "currency": plan.currency,
        "priced": plan.min_price is not None or plan.max_price is not None or "price" in plan.sort,
        "min_price": plan.min_price,
        "max_price": plan.max_price,
        "descending": plan.sort == "-price",
        "by_price": "price" in plan.sort,
        "rated": plan.rated,
        "min_rating": plan.min_rating,
        "by_rating": plan.sort == "rating",
    }


RATING_JOIN = (
    " JOIN catalog_listing l ON l.id = d.listing_id"
    " LEFT JOIN catalog_supplierrating r ON r.member_id = l.supplier_id"
)
RATING_ORDER = "coalesce(rating, 0) DESC, coalesce(ratings, 0) DESC, pos"


def order_sql(f: PriceFilters) -> str:
    """The ORDER BY of `kept`, the same on both backends."""
    if f["by_price"]:
        return f"price {'DESC' if f['descending'] else 'ASC'}, pos"
    if f["by_rating"]:
        return RATING_ORDER
    return "pos"


def hits_from_window(plan: Plan, backend: Backend) -> Hits:
    docids = backend.window(plan)
    exact = len(docids) <= plan.window
    kept = docids[: plan.window]
    if plan.ranged and kept:
        kept = backend.kept(plan, kept)
    cells = Counter(map(keys.FACET_MASK.__and__, kept))
    return Hits(
        docids=kept[plan.offset : plan.offset + plan.limit],
        count=len(kept),
        exact=exact,
        facet_cells=[
            (keys.category_of(bits), keys.country_code_of(bits), n) for bits, n in cells.items()
        ],
    )
