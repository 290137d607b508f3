"""A search as the backends execute it: terms, tag clauses, price/MOQ predicates, one page."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

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
        """Whether price or MOQ must be read per listing (the index holds neither)."""
        return (
            self.min_price is not None
            or self.max_price is not None
            or self.qty is not None
            or self.moq_max is not None
            or "price" in self.sort
        )


@dataclass
class Hits:
    """One page of listing ids in order, plus what the window held."""

    listing_ids: list[int]
    count: int
    exact: bool
    # (category_id, country code, listings) over the window, after price/MOQ filters
    facet_cells: list[tuple[int, int, int]] = field(default_factory=list)
