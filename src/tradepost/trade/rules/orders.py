"""Pure order rules (issue 11, clause 7.1): the lifecycle as one table, the price of a line
from a listing's tiers, the timers and the platform fee. No database here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from tradepost.policy.trade import OrdersPolicy
from tradepost.trade.models.orders import OrderStatus
from tradepost.trade.rules.ledger import minor_unit

S = OrderStatus


class Actor(StrEnum):
    BUYER = "buyer"
    SUPPLIER = "supplier"
    STAFF = "staff"
    PLATFORM = "platform"


class Action(StrEnum):
    PLACE = "place"
    ACCEPT = "accept"
    DECLINE = "decline"
    PAY = "pay"
    SHIP = "ship"
    CONFIRM_RECEIPT = "confirm_receipt"
    AUTO_CONFIRM = "auto_confirm"
    EXTEND_RECEIPT = "extend_receipt"
    COMPLETE = "complete"
    CANCEL = "cancel"
    CLOSE_UNPAID = "close_unpaid"
    REFUND = "refund"


@dataclass(frozen=True)
class Transition:
    from_status: str
    action: Action
    to_status: str
    actors: frozenset[Actor]
    moves_money: str = ""  # "payment", "release" or "refund": what the ledger posts


B, SUP, STF, P = Actor.BUYER, Actor.SUPPLIER, Actor.STAFF, Actor.PLATFORM


def _t(frm: str, action: Action, to: str, *actors: Actor, money: str = "") -> Transition:
    return Transition(frm, action, to, frozenset(actors), money)


# Every move an order may make, who may make it, and what money it moves. Anything else is
# refused with 409 `order_invalid_transition`.
TRANSITIONS: tuple[Transition, ...] = (
    _t(S.DRAFT, Action.PLACE, S.PLACED, B),
    _t(S.DRAFT, Action.CANCEL, S.CANCELLED, B),
    _t(S.PLACED, Action.ACCEPT, S.ACCEPTED, SUP),
    _t(S.PLACED, Action.DECLINE, S.DECLINED, SUP),
    _t(S.PLACED, Action.CANCEL, S.CANCELLED, B, SUP),
    _t(S.PLACED, Action.CLOSE_UNPAID, S.CANCELLED, P),
    _t(S.ACCEPTED, Action.PAY, S.PAID, B, money="payment"),
    _t(S.ACCEPTED, Action.CANCEL, S.CANCELLED, B, SUP),
    _t(S.ACCEPTED, Action.CLOSE_UNPAID, S.CANCELLED, P),
    # Cancelled after payment, before shipment: what escrow holds goes back to the buyer.
    _t(S.PAID, Action.CANCEL, S.CANCELLED, B, SUP, STF, money="refund"),
    _t(S.PAID, Action.SHIP, S.SHIPPED, SUP),
    _t(S.SHIPPED, Action.CONFIRM_RECEIPT, S.DELIVERED, B),
    _t(S.SHIPPED, Action.AUTO_CONFIRM, S.DELIVERED, P),
    _t(S.SHIPPED, Action.EXTEND_RECEIPT, S.SHIPPED, B, SUP),
    _t(S.DELIVERED, Action.COMPLETE, S.COMPLETED, P, money="release"),
    # Staff refund a shipped or delivered order (a dispute decided for the buyer).
    _t(S.SHIPPED, Action.REFUND, S.REFUNDED, STF, money="refund"),
    _t(S.DELIVERED, Action.REFUND, S.REFUNDED, STF, money="refund"),
)

TERMINAL = frozenset({S.DECLINED, S.COMPLETED, S.CANCELLED, S.REFUNDED})

# Where each action leads (one target per action), for the error naming from and to.
ACTION_TARGET: dict[Action, str] = {t.action: t.to_status for t in TRANSITIONS}

ALLOWED_EDGES: frozenset[tuple[str, str]] = frozenset(
    (t.from_status, t.to_status) for t in TRANSITIONS
)


@dataclass(frozen=True)
class TransitionDecision:
    allowed: bool
    from_status: str
    to_status: str
    action: Action
    reason: str = ""  # "no_edge" or "not_your_step" when refused
    transition: Transition | None = None


def transition_decide(from_status: str, action: Action, actor: Actor) -> TransitionDecision:
    """The one place an order transition is allowed or refused."""
    to_status = ACTION_TARGET[action]
    for t in TRANSITIONS:
        if t.from_status == from_status and t.action == action:
            if actor in t.actors:
                return TransitionDecision(True, from_status, t.to_status, action, transition=t)
            return TransitionDecision(False, from_status, t.to_status, action, "not_your_step")
    return TransitionDecision(False, from_status, to_status, action, "no_edge")


def next_actions(status: str, actor: Actor) -> list[Action]:
    """What `actor` may do next, in table order (the next-step buttons)."""
    return [t.action for t in TRANSITIONS if t.from_status == status and actor in t.actors]


# --- Prices ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TierPrice:
    min_qty: int
    unit_price: Decimal


@dataclass(frozen=True)
class LinePrice:
    """The unit price at a quantity, with the tier it came from; or the refusal's code."""

    unit_price: Decimal | None
    tier_min_qty: int | None
    refusal: str = ""  # "below_moq" or "no_tier"


def tier_price(tiers: Sequence[TierPrice], quantity: int, moq: int) -> LinePrice:
    """The listing's price at `quantity`: the tier with the highest minimum at or below it.
    Below the minimum order quantity there is no price."""
    if quantity < moq:
        return LinePrice(None, None, "below_moq")
    eligible = [t for t in tiers if t.min_qty <= quantity]
    if not eligible:
        return LinePrice(None, None, "no_tier")
    tier = max(eligible, key=lambda t: t.min_qty)
    return LinePrice(tier.unit_price, tier.min_qty)


def money_round(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def platform_fee(amount: Decimal, rate: Decimal, currency: str) -> Decimal:
    """The platform's fee on what is released, rounded half up to the currency's minor unit
    (never more than the amount)."""
    return min(amount, money_round(amount * rate, currency))


def fee_reversal(
    *,
    fee: Decimal,
    completed: Decimal,
    refunded_after_completion: Decimal,
    reversed_already: Decimal,
    currency: str,
) -> Decimal:
    """How much platform fee goes back with a refund after completion (trade.toml
    `[orders] refund_reverses_fee`; platform policy, the Terms say nothing of fees on a
    refund). The fee was charged on `completed` (released plus fee); the refunded share of
    it takes the same share of the fee back, rounded half up to the currency's minor unit.

    Computed on the running totals (every refund after completion so far, this one
    included) less what earlier refunds reversed, so rounding never drifts: a full refund
    reverses exactly the whole fee, and the reversals never exceed it."""
    if fee <= 0 or completed <= 0 or refunded_after_completion <= 0:
        return Decimal(0)
    share = min(refunded_after_completion, completed) / completed
    target = min(fee, money_round(fee * share, currency))
    return max(Decimal(0), target - reversed_already)


# --- Timers ----------------------------------------------------------------------------------


def pay_deadline(placed_at: datetime, policy: OrdersPolicy) -> datetime:
    """Unpaid orders close after `unpaid_close_days` (5 by default)."""
    return placed_at + timedelta(days=policy.unpaid_close_days)


def receipt_deadline(
    shipped_at: datetime, *, has_tracking: bool, extensions: int, policy: OrdersPolicy
) -> datetime:
    """Receipt is confirmed automatically 10 days after shipment, 30 without tracking; each
    extension adds 15 days (the policy's numbers)."""
    days = (
        policy.receipt_auto_confirm_days
        if has_tracking
        else policy.receipt_auto_confirm_days_without_tracking
    )
    return shipped_at + timedelta(days=days + extensions * policy.receipt_extension_days)


def release_time(delivered_at: datetime, policy: OrdersPolicy) -> datetime:
    return delivered_at + timedelta(days=policy.release_delay_days)


@dataclass(frozen=True)
class TimerDue:
    action: Action
    rule: str


def timer_due(
    *,
    status: str,
    now: datetime,
    pay_by: datetime | None,
    receipt_due_at: datetime | None,
    release_at: datetime | None,
) -> TimerDue | None:
    """The automatic transition that is due now, if any, with the policy key that set it."""
    if status in (S.PLACED, S.ACCEPTED) and pay_by is not None and now >= pay_by:
        return TimerDue(Action.CLOSE_UNPAID, "orders.unpaid_close_days")
    if status == S.SHIPPED and receipt_due_at is not None and now >= receipt_due_at:
        return TimerDue(Action.AUTO_CONFIRM, "orders.receipt_auto_confirm_days")
    if status == S.DELIVERED and release_at is not None and now >= release_at:
        return TimerDue(Action.COMPLETE, "orders.release_delay_days")
    return None


def extension_allowed(*, used: int, policy: OrdersPolicy) -> bool:
    """Each party may extend the receipt deadline `receipt_extensions_per_party` times."""
    return used < policy.receipt_extensions_per_party
