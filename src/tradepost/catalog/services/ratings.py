"""Clause 3.6: the ratings search shows and filters by, kept by the app that owns feedback.

The catalog sits below trade, so it never reads feedback: trade tells it a member's rating
(the average and number of counted feedback) each time it changes, and search reads the copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from tradepost.catalog.models import SupplierRating
from tradepost.errors import InvalidInput

TENTH = Decimal("0.1")


def _checked(average: Decimal | None, count: int) -> Decimal | None:
    """The average to store (one decimal place), None when there is no rating."""
    if count < 0:
        raise InvalidInput("A rating's count cannot be negative.")
    if not count:
        return None
    if average is None:
        raise InvalidInput("A rating needs an average when it has a count.")
    value = Decimal(average).quantize(TENTH, rounding=ROUND_HALF_UP)
    if not Decimal(1) <= value <= Decimal(5):
        raise InvalidInput("A rating's average is from 1 to 5.")
    return value


@transaction.atomic
def supplier_rating_record(*, member_pk: int, average: Decimal | None, count: int) -> None:
    """Clause 3.6: store a member's rating as search shows it; a count of 0 removes it."""
    value = _checked(average, count)
    if value is None:
        SupplierRating.objects.filter(member_id=member_pk).delete()
        return
    SupplierRating.objects.update_or_create(
        member_id=member_pk, defaults={"average": value, "count": count}
    )


@transaction.atomic
def supplier_ratings_replace(ratings: Iterable[tuple[int, Decimal, int]]) -> int:
    """Replace every stored rating by `ratings` ((member pk, average, count), from the
    feedback itself): the backfill. Returns how many members have a rating."""
    rows = []
    for member_pk, average, count in ratings:
        value = _checked(average, count)
        if value is not None:
            rows.append(SupplierRating(member_id=member_pk, average=value, count=count))
    SupplierRating.objects.all().delete()
    SupplierRating.objects.bulk_create(rows, batch_size=500)
    return len(rows)
