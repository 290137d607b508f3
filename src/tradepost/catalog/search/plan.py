"""A search as the backends execute it, and what is done with the window they return.

A backend answers one question: the first `window + 1` matches of the words and the tag
filters, in window order (relevance tiers, or newest first), with each listing's price facts
when price or MOQ matter. Everything after that is here, the same for both backends: the
price/MOQ/currency filters, count, facet cells, price sorting and the page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from tradepost.catalog.search import keys
from tradepost.catalog.search.query import Term


@dataclass(frozen=True)
class Plan:
    terms: tuple[Term, ...]
    tag_clauses: list[list[str]]
    min_price: Decimal | None
    max_price: Decimal | None
    qty: int | None
    moq_max: int | None
    sort: str
    offset: int
    limit: int
    window: int

    @property
    def ranged(self) -> bool:
        """Whether the window needs each listing's price facts (the index holds none)."""
        return (
            self.min_price is not None
            or self.max_price is not None
            or self.qty is not None
            or self.moq_max is not None
            or "price" in self.sort
        )

    @property
    def by_relevance(self) -> bool:
        return self.sort == "relevance" and bool(self.terms)


class WindowRow(NamedTuple):
    docid: int
    listing_id: int | None = None
    moq: int | None = None
    price: Decimal | None = None  # at `qty` when given, else the lowest unit price


@dataclass
class Hits:
    """One page of listing ids in order, plus what the window held."""

    listing_ids: list[int]
    count: int
    exact: bool
    # (category_id, country code, listings) over the window, after price/MOQ filters
    facet_cells: list[tuple[int, int, int]] = field(default_factory=list)


def _passes(row: WindowRow, plan: Plan) -> bool:
    if plan.qty is not None and (row.moq is None or row.moq > plan.qty):
        return False
    if plan.moq_max is not None and (row.moq is None or row.moq > plan.moq_max):
        return False
    if (plan.min_price is not None or plan.max_price is not None or "price" in plan.sort) and (
        row.price is None
    ):
        return False
    if plan.min_price is not None and row.price < plan.min_price:  # type: ignore[operator]
        return False
    return not (plan.max_price is not None and row.price > plan.max_price)  # type: ignore[operator]


def hits_from_window(
    plan: Plan, rows: list[WindowRow], listing_ids: Callable[[list[int]], dict[int, int]]
) -> Hits:
    exact = len(rows) <= plan.window
    kept = rows[: plan.window]
    if plan.ranged:
        kept = [row for row in kept if _passes(row, plan)]
    cells = Counter((keys.category_of(r.docid), keys.country_code_of(r.docid)) for r in kept)
    if plan.sort == "price":
        kept.sort(key=lambda r: r.price)  # type: ignore[arg-type,return-value]
    elif plan.sort == "-price":  # a stable sort: equal prices stay in window order
        kept.sort(key=lambda r: r.price, reverse=True)  # type: ignore[arg-type,return-value]
    page = kept[plan.offset : plan.offset + plan.limit]
    if plan.ranged:
        ids = [r.listing_id for r in page if r.listing_id is not None]
    else:
        by_docid = listing_ids([r.docid for r in page])
        ids = [by_docid[r.docid] for r in page if r.docid in by_docid]
    return Hits(
        listing_ids=ids,
        count=len(kept),
        exact=exact,
        facet_cells=[(cat, cc, n) for (cat, cc), n in cells.items()],
    )
