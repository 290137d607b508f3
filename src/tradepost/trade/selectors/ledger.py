"""Reading the ledger: balances are sums of entries; the check runs over the whole ledger."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import BigIntegerField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Round

from tradepost.trade.models.ledger import (
    MONEY_PLACES,
    NON_NEGATIVE_PURPOSES,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
)

SCALE = 10**MONEY_PLACES


def exact_sum(field: str = "amount") -> Sum:
    """Sum amounts exactly on every database: in units of 10^-4 as integers. SQLite keeps
    decimals as floating point, so a plain SUM of 0.1 + 0.2 - 0.3 is not zero there."""
    return Sum(Cast(Round(F(field) * Value(SCALE)), output_field=BigIntegerField()))


def from_units(units: int | None) -> Decimal:
    return Decimal(units or 0).scaleb(-MONEY_PLACES)


def account_balance(account: LedgerAccount | int) -> Decimal:
    units = LedgerEntry.objects.filter(account=account).aggregate(s=exact_sum())["s"]
    return from_units(units)


def order_balances(order_ref: str | int) -> dict[str, Decimal]:
    """Each account of an order (by its key) with its balance."""
    rows = (
        LedgerEntry.objects.filter(account__order_ref=str(order_ref))
        .values("account__key")
        .annotate(balance=exact_sum())
        .order_by("account__key")
    )
    return {row["account__key"]: from_units(row["balance"]) for row in rows}


def entries_for_reference(reference: str) -> QuerySet[LedgerEntry]:
    """The entries of every transaction about `reference` (e.g. "order:12"), oldest first."""
    return (
        LedgerEntry.objects.filter(transaction__reference=reference)
        .select_related("transaction", "account")
        .order_by("transaction_id", "id")
    )


def ledger_check() -> dict[str, Any]:
    """Issue 11's proof over the whole ledger: one aggregate query groups the entries by
    transaction and currency and keeps the groups that do not sum to zero; another lists
    the escrow accounts below zero. `balanced` is true only when both are empty."""
    unbalanced = (
        LedgerEntry.objects.values("transaction_id", "currency")
        .annotate(total=exact_sum())
        .exclude(total=0)
        .order_by("transaction_id", "currency")
    )
    negative = (
        LedgerAccount.objects.filter(purpose__in=NON_NEGATIVE_PURPOSES)
        .annotate(balance=exact_sum("entries__amount"))
        .filter(Q(balance__lt=0))
        .values("key", "balance")
        .order_by("key")
    )
    unbalanced_rows = [
        {
            "transaction": r["transaction_id"],
            "currency": r["currency"],
            "sum": from_units(r["total"]),
        }
        for r in unbalanced
    ]
    negative_rows = [{"account": r["key"], "balance": from_units(r["balance"])} for r in negative]
    return {
        "balanced": not unbalanced_rows and not negative_rows,
        "transactions": LedgerTransaction.objects.count(),
        "unbalanced": unbalanced_rows,
        "negative_escrow": negative_rows,
    }
