"""Pure dispute rules (issue 11, clauses 7.3, 7.6): the lifecycle as one table, the window
to open one, its timers, and the refund bound. No database here.

Days count from the opening: day 1 is the day the dispute opens, so "escalate from day 4"
is `opened_at + supplier_response_days` and "automatic on day 8" is
`opened_at + (auto_escalate_day - 1)` days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum

from django.utils import timezone

from tradepost.policy.trade import DisputesPolicy, OrdersPolicy
from tradepost.trade.models.disputes import DisputeStatus
from tradepost.trade.models.orders import OrderStatus
from tradepost.trade.rules.orders import Actor

D = DisputeStatus


class DisputeAction(StrEnum):
    RESPOND = "respond"
    ESCALATE = "escalate"
    AUTO_ESCALATE = "auto_escalate"
    PROPOSE = "propose"
    SETTLE = "settle"
    DECIDE = "decide"


B, SUP, STF, P = Actor.BUYER, Actor.SUPPLIER, Actor.STAFF, Actor.PLATFORM

# (from, action, to, who): every move a dispute may make. Anything else is 409
# `dispute_invalid_transition`. Settling is possible at any time before a decision.
DISPUTE_TRANSITIONS: tuple[tuple[str, DisputeAction, str, frozenset[Actor]], ...] = (
    (D.OPEN, DisputeAction.RESPOND, D.RESPONDED, frozenset({SUP})),
    (D.OPEN, DisputeAction.ESCALATE, D.ESCALATED, frozenset({B})),
    (D.RESPONDED, DisputeAction.ESCALATE, D.ESCALATED, frozenset({B})),
    (D.OPEN, DisputeAction.AUTO_ESCALATE, D.ESCALATED, frozenset({P})),
    (D.RESPONDED, DisputeAction.AUTO_ESCALATE, D.ESCALATED, frozenset({P})),
    (D.OPEN, DisputeAction.PROPOSE, D.OPEN, frozenset({B, SUP})),
    (D.RESPONDED, DisputeAction.PROPOSE, D.RESPONDED, frozenset({B, SUP})),
    (D.ESCALATED, DisputeAction.PROPOSE, D.ESCALATED, frozenset({B, SUP})),
    (D.OPEN, DisputeAction.SETTLE, D.SETTLED, frozenset({B, SUP})),
    (D.RESPONDED, DisputeAction.SETTLE, D.SETTLED, frozenset({B, SUP})),
    (D.ESCALATED, DisputeAction.SETTLE, D.SETTLED, frozenset({B, SUP})),
    (D.ESCALATED, DisputeAction.DECIDE, D.DECIDED, frozenset({STF})),
)


def dispute_transition(status: str, action: DisputeAction, actor: Actor) -> str | None:
    """The status `action` by `actor` leads to from `status`, or None when refused."""
    for frm, act, to, actors in DISPUTE_TRANSITIONS:
        if frm == status and act == action and actor in actors:
            return to
    return None


def dispute_next_actions(status: str, actor: Actor) -> list[str]:
    seen: list[str] = []
    for frm, act, _to, actors in DISPUTE_TRANSITIONS:
        if (
            frm == status
            and actor in actors
            and act != DisputeAction.PROPOSE
            and act.value not in seen
        ):
            seen.append(act.value)
    return seen


@dataclass(frozen=True)
class WindowDecision:
    """Whether a dispute may open now; `refusal` is the error code, `rule` the policy key."""

    allowed: bool
    refusal: str = ""
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    rule: str = ""


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def open_window(
    *,
    status: str,
    now: datetime,
    delivered_at: datetime | None,
    shipped_at: datetime | None,
    deliver_by: date | None,
    has_tracking: bool,
    policy: DisputesPolicy,
    orders_policy: OrdersPolicy,
) -> WindowDecision:
    """Clause 7.3: a buyer may open a dispute within `open_window_days` after confirmed
    receipt (delivered or completed orders); if nothing arrived (shipped), from the agreed
    delivery date for as many days, and with no agreed date from shipment plus the
    auto-confirm period (10 days with tracking, 30 without)."""
    days = timedelta(days=policy.open_window_days)
    if status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED) and delivered_at is not None:
        closes = delivered_at + days
        if now > closes:
            return WindowDecision(
                False, "dispute_window_closed", delivered_at, closes, "disputes.open_window_days"
            )
        return WindowDecision(True, "", delivered_at, closes, "disputes.open_window_days")
    if status == OrderStatus.SHIPPED and shipped_at is not None:
        if deliver_by is not None:
            opens, rule = _day_start(deliver_by), "order.deliver_by"
        else:
            period = (
                orders_policy.receipt_auto_confirm_days
                if has_tracking
                else orders_policy.receipt_auto_confirm_days_without_tracking
            )
            opens, rule = shipped_at + timedelta(days=period), "orders.receipt_auto_confirm_days"
        closes = opens + days
        if now < opens:
            return WindowDecision(False, "dispute_too_early", opens, closes, rule)
        if now > closes:
            return WindowDecision(False, "dispute_window_closed", opens, closes, rule)
        return WindowDecision(True, "", opens, closes, rule)
    return WindowDecision(False, "dispute_not_allowed", rule="order.status")


@dataclass(frozen=True)
class DisputeTimers:
    respond_by: datetime
    escalate_from: datetime
    auto_escalate_at: datetime


def dispute_timers(opened_at: datetime, policy: DisputesPolicy) -> DisputeTimers:
    """The supplier responds within 3 days; the buyer may escalate from day 4; escalation
    is automatic on day 8 (the policy's numbers)."""
    return DisputeTimers(
        respond_by=opened_at + timedelta(days=policy.supplier_response_days),
        escalate_from=opened_at + timedelta(days=policy.supplier_response_days),
        auto_escalate_at=opened_at + timedelta(days=policy.auto_escalate_day - 1),
    )


def decide_deadline(escalated_at: datetime, policy: DisputesPolicy) -> datetime:
    return escalated_at + timedelta(days=policy.staff_decision_days)


def refund_within(amount: Decimal, *, paid: Decimal, refunded: Decimal) -> bool:
    """A refund never exceeds what was paid minus what was already refunded."""
    return Decimal(0) <= amount <= paid - refunded


def files_complaint(reason: str, refund_amount: Decimal) -> bool:
    """Clause 6.3 (a): a decision against the supplier (any refund) for non-delivery or
    not as described files a complaint in trust."""
    return refund_amount > 0 and reason in ("not_received", "not_as_described")
