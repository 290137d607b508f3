"""Reading orders: only their parties see them (404 alike for "not there" and "not yours"),
and their money comes from the ledger, never from a stored number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tradepost.errors import NotFound
from tradepost.members.models import Member
from tradepost.trade.models.ledger import AccountPurpose, LedgerEntry, TransactionKind
from tradepost.trade.models.orders import Order, OrderStatus
from tradepost.trade.rules.orders import Actor, timer_due
from tradepost.trade.selectors.ledger import entries_for_reference, exact_sum, from_units


def _not_found() -> NotFound:
    return NotFound(_("No such order."), code="order_not_found")


def order_for_party(*, member: Member, order_id: Any) -> Order:
    """The order if `member` is its buyer or its supplier; else 404 (as if it did not exist)."""
    if not isinstance(order_id, int) or isinstance(order_id, bool):
        raise _not_found()
    # The parties, which every step and answer reads; not the listing (only its id is shown).
    try:
        return Order.objects.select_related("buyer", "supplier").get(
            Q(buyer=member) | Q(supplier=member), pk=order_id
        )
    except Order.DoesNotExist:
        raise _not_found() from None


def order_party(order: Order, member: Member) -> Actor:
    """Which side of the order `member` is on (the caller got the order through
    `order_for_party`, so it is one of them)."""
    return Actor.BUYER if order.buyer_id == member.pk else Actor.SUPPLIER


def orders_for_member(*, member: Member, role: str | None = None) -> QuerySet[Order]:
    """The member's orders, newest first: as buyer, as supplier, or both."""
    qs = Order.objects.select_related("buyer", "supplier")
    if role == "buyer":
        return qs.filter(buyer=member)
    if role == "supplier":
        return qs.filter(supplier=member)
    return qs.filter(Q(buyer=member) | Q(supplier=member))


@dataclass(frozen=True)
class OrderMoney:
    """What the ledger says about an order: paid into escrow; refunded to the buyer (every
    refund, from escrow or, after completion, from the supplier's payable and the platform's
    fees); released to the supplier; the platform fee charged at completion and the part of
    it given back with refunds after completion; held in escrow now.

    `refunded_after_completion` is what came back from beyond escrow (what completion had
    released, fee included): the share of it decides the fee reversal."""

    paid: Decimal
    refunded: Decimal
    released: Decimal
    fee: Decimal
    held: Decimal
    fee_reversed: Decimal = Decimal(0)
    refunded_after_completion: Decimal = Decimal(0)


def order_money(order: Order | int) -> OrderMoney:
    """One grouped read of the order's transactions (their `reference`), by account purpose
    and transaction kind."""
    order_id = order.pk if isinstance(order, Order) else order
    rows = (
        LedgerEntry.objects.filter(transaction__reference=f"order:{order_id}")
        .values("account__purpose", "transaction__kind")
        .annotate(total=exact_sum())
        .order_by()
    )
    sums: dict[tuple[str, str], Decimal] = {
        (r["account__purpose"], r["transaction__kind"]): from_units(r["total"]) for r in rows
    }

    def total(purpose: str, kind: str | None = None) -> Decimal:
        return sum(
            (v for (p, k), v in sums.items() if p == purpose and kind in (None, k)), Decimal(0)
        )

    escrow = AccountPurpose.ESCROW
    refund = TransactionKind.REFUND
    from_fees = -total(AccountPurpose.PLATFORM_FEES, refund)
    return OrderMoney(
        paid=total(escrow, TransactionKind.PAYMENT),
        refunded=total(AccountPurpose.REFUNDS, refund),
        released=-total(escrow, TransactionKind.RELEASE),
        fee=-total(escrow, TransactionKind.FEE),
        held=total(escrow),
        fee_reversed=from_fees,
        refunded_after_completion=from_fees - total(AccountPurpose.SUPPLIER_PAYABLE, refund),
    )


def order_ledger_entries(order: Order) -> QuerySet[LedgerEntry]:
    """Every ledger entry of the order's transactions, oldest first."""
    return entries_for_reference(order.reference)


def orders_with_timer_due(*, now: datetime) -> QuerySet[Order]:
    """Orders some timer has come due for (what the sweep task moves)."""
    return Order.objects.filter(
        Q(status__in=[OrderStatus.PLACED, OrderStatus.ACCEPTED], pay_by__lte=now)
        | Q(status=OrderStatus.SHIPPED, receipt_due_at__lte=now)
        | Q(status=OrderStatus.DELIVERED, release_at__lte=now)
    ).order_by("pk")


def order_timer_due_now(order: Order, now: datetime) -> bool:
    return (
        timer_due(
            status=order.status,
            now=now,
            pay_by=order.pay_by,
            receipt_due_at=order.receipt_due_at,
            release_at=order.release_at,
        )
        is not None
    )
