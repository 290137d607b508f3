"""`GET /api/v1/staff/ledger/check`: the ledger proof over the whole ledger (issue 11)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from tradepost.money import decimal_str
from tradepost.trade.selectors.ledger import ledger_check
from tradepost.trust.api.common import staff_permission

router = Router()


class UnbalancedOut(Schema):
    transaction: int
    currency: str
    sum: str


class NegativeEscrowOut(Schema):
    account: str
    balance: str


class LedgerCheckOut(Schema):
    balanced: bool
    transactions: int
    unbalanced: list[UnbalancedOut]
    negative_escrow: list[NegativeEscrowOut]


@router.get("/ledger/check", response=LedgerCheckOut)
@staff_permission("trade.view_ledgertransaction")
def ledger_check_view(request: HttpRequest) -> dict[str, Any]:
    """Clause 7.1 (protected payment): `balanced` is true when every transaction's entries
    sum to zero per currency (`unbalanced` lists those that do not) and no escrow account is
    below zero (`negative_escrow`); `transactions` counts every transaction."""
    result = ledger_check()
    return {
        **result,
        "unbalanced": [{**r, "sum": decimal_str(r["sum"])} for r in result["unbalanced"]],
        "negative_escrow": [
            {**r, "balance": decimal_str(r["balance"])} for r in result["negative_escrow"]
        ],
    }
