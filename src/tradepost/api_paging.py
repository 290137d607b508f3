"""Paging for the JSON API: one bounded schema that every list endpoint pages with.

Unbounded `limit`/`offset` reach the database as integers it cannot hold (a 64-bit overflow
answers 500); here they are refused first, as 422 `invalid_input`, and the OpenAPI document
tells clients the real bounds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from ninja import Field
from ninja.pagination import LimitOffsetPagination

DEFAULT_LIMIT = 100
MAX_LIMIT = 100
MAX_OFFSET = 1_000_000


class Paging(LimitOffsetPagination.Input):
    """`?limit=&offset=`: at most MAX_LIMIT items from at most MAX_OFFSET in."""

    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Items per page, 1 to {MAX_LIMIT}."
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"Items to skip, 0 to {MAX_OFFSET:,}.")


class LimitOffsetPaging(LimitOffsetPagination):
    """ninja's limit/offset pagination ({"items", "count"}) with the bounded Paging input."""

    Input = Paging

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


class LazyRows:
    """A queryset shaped row by row, sliced and counted by the paginator without loading
    every row: `return LazyRows(queryset, row_out)` from a `@paginate` operation."""

    def __init__(self, rows: QuerySet[Any], shape: Callable[[Any], dict[str, Any]]) -> None:
        self.rows = rows
        self.shape = shape

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        return [self.shape(row) for row in self.rows[key]]
