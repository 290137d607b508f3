"""Clause 8.8: the fees a member paid the platform in a calendar year, from the ledger, and
the liability cap they give with the statutory amount of the member's governing law."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import CharField, Q, Sum, Value
from django.db.models.functions import Cast, Concat

from tradepost.billing.rules.liability import CapDecision, liability_cap
from tradepost.members.models import Member
from tradepost.members.selectors import member_contracting_entity
from tradepost.policy.operations import load_operations_policy
from tradepost.trade.models.ledger import (
    AccountPurpose,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
)
from tradepost.trade.models.orders import Order
from tradepost.trade.rules.ledger import minor_unit

ORDER_PREFIX = "order:"  # how the ledger names an order (trade.models.orders.Order.reference)


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def fees_paid(member: Member, year: int) -> dict[str, Decimal]:
    """Clause 8.8 (a): what the member paid the platform in exchange for the Services in the
    calendar year `year` (UTC), per currency: what the platform-fees account received

    - in FEE transactions with a leg on one of the member's own accounts (subscriptions,
      Top Ranking, Sponsored clicks: charged from the member's funding account), net of what
      a REFUND or ADJUSTMENT with a leg on its accounts took back from the platform fees
      (orders aside: an order's fee is its supplier's, even when the buyer is refunded), and
    - on the orders the member supplied (the commission taken from escrow at release), net
      of the fee a refund gave back (a negative platform-fees leg of the order's refund).
    """
    start, end = _year_bounds(year)
    own_fee_transactions = (
        LedgerTransaction.objects.filter(
            kind__in=[TransactionKind.FEE, TransactionKind.REFUND, TransactionKind.ADJUSTMENT],
            entries__account__member=member,
        )
        .exclude(reference__startswith=ORDER_PREFIX)
        .values("pk")
    )
    supplied_orders = (
        Order.objects.filter(supplier=member)
        .annotate(ref=Concat(Value(ORDER_PREFIX), Cast("pk", CharField())))
        .values("ref")
    )
    rows = (
        LedgerEntry.objects.filter(
            account__purpose=AccountPurpose.PLATFORM_FEES,
            transaction__created_at__gte=start,
            transaction__created_at__lt=end,
        )
        .filter(
            Q(transaction__in=own_fee_transactions) | Q(transaction__reference__in=supplied_orders)
        )
        .values("currency")
        .annotate(total=Sum("amount"))
        .order_by("currency")
    )
    return {row["currency"]: row["total"] for row in rows if row["total"]}


@dataclass(frozen=True)
class LiabilityCap:
    """The cap of clause 8.8 for a member and a year, with the figures that decided it."""

    member_id: str
    year: int
    cap: Decimal
    currency: str
    fees_paid: Decimal
    statutory_amount: Decimal
    governing_law: str
    law: str
    basis: str
    claim_window_days: int
    fees_paid_by_currency: dict[str, Decimal] = field(default_factory=dict)
    not_converted: list[str] = field(default_factory=list)
    clause: str = "8.8"


def member_liability_cap(member: Member, year: int) -> LiabilityCap:
    """Clause 8.8: the greater of the fees paid in `year` and the statutory amount of the
    governing law of the member's contracting entity (2.1, 12.7), in that law's currency
    (`[liability.laws]` in operations.toml). Fees in another currency are converted with
    `[liability.rates]`; a currency without a rate is listed in `not_converted`, not added,
    and its fees are still reported in `fees_paid_by_currency` for staff to weigh."""
    policy = load_operations_policy().liability
    entity = member_contracting_entity(member)
    law = policy.for_governing_law(entity.governing_law)
    by_currency = fees_paid(member, year)
    total = Decimal(0)
    not_converted: list[str] = []
    for currency, amount in by_currency.items():
        rate = policy.rate(currency, law.currency)
        if rate is None:
            not_converted.append(currency)
            continue
        total += amount * rate
    total = total.quantize(minor_unit(law.currency), rounding=ROUND_HALF_UP)
    statutory = law.statutory_amount.quantize(minor_unit(law.currency))
    decision: CapDecision = liability_cap(fees_paid=total, statutory_amount=statutory)
    return LiabilityCap(
        member_id=member.member_id,
        year=year,
        cap=decision.cap,
        currency=law.currency,
        fees_paid=total,
        statutory_amount=statutory,
        governing_law=entity.governing_law,
        law=law.key,
        basis=decision.basis,
        claim_window_days=law.claim_window_days,
        fees_paid_by_currency=by_currency,
        not_converted=not_converted,
        clause=decision.clause,
    )
