"""Pure ledger rules: the money arithmetic a posting must satisfy before it is written."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from babel.numbers import get_currency_precision


def minor_unit(currency: str) -> Decimal:
    """The currency's smallest unit: 0.01 for USD, 1 for JPY (ISO 4217 via Babel's CLDR)."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def in_minor_units(amount: Decimal, currency: str) -> bool:
    """True when `amount` needs no rounding to the currency's minor units."""
    return amount == amount.quantize(minor_unit(currency))


def unbalanced_currencies(legs: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Double entry: each currency's legs sum to zero. Returns the currencies that do not,
    with their sums (empty when the transaction balances)."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for currency, amount in legs:
        totals[currency] += amount
    return {currency: total for currency, total in totals.items() if total != 0}
