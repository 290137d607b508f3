"""Pure dispute rules (issue 11, clause 7.3): the table, the window, the timers, the bound."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from tradepost.policy import PolicyError
from tradepost.policy.trade import DisputesPolicy, load_trade_policy, parse_trade_policy
from tradepost.trade.rules import disputes as rules
from tradepost.trade.rules.disputes import DisputeAction as A
from tradepost.trade.rules.orders import Actor

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
POLICY = load_trade_policy()


@pytest.mark.parametrize(
    ("status", "action", "actor", "to"),
    [
        ("open", A.RESPOND, Actor.SUPPLIER, "responded"),
        ("open", A.RESPOND, Actor.BUYER, None),
        ("open", A.ESCALATE, Actor.BUYER, "escalated"),
        ("responded", A.ESCALATE, Actor.SUPPLIER, None),
        ("responded", A.AUTO_ESCALATE, Actor.PLATFORM, "escalated"),
        ("escalated", A.SETTLE, Actor.SUPPLIER, "settled"),
        ("escalated", A.DECIDE, Actor.STAFF, "decided"),
        ("open", A.DECIDE, Actor.STAFF, None),
        ("decided", A.SETTLE, Actor.BUYER, None),
        ("settled", A.ESCALATE, Actor.BUYER, None),
    ],
)
def test_dispute_transition(status, action, actor, to):
    assert rules.dispute_transition(status, action, actor) == to


def test_timers_count_day_one_as_the_opening_day():
    timers = rules.dispute_timers(NOW, POLICY.disputes)
    assert timers.respond_by == NOW + timedelta(days=3)
    assert timers.escalate_from == NOW + timedelta(days=3)
    assert timers.auto_escalate_at == NOW + timedelta(days=7)
    assert rules.decide_deadline(NOW, POLICY.disputes) == NOW + timedelta(days=5)


def _window(**kw):
    base = {
        "status": "shipped",
        "now": NOW,
        "delivered_at": None,
        "shipped_at": NOW - timedelta(days=2),
        "deliver_by": None,
        "has_tracking": True,
        "policy": POLICY.disputes,
        "orders_policy": POLICY.orders,
    }
    return rules.open_window(**{**base, **kw})


def test_window_after_receipt():
    assert _window(status="delivered", delivered_at=NOW - timedelta(days=30)).allowed
    late = _window(status="completed", delivered_at=NOW - timedelta(days=30, seconds=1))
    assert (late.allowed, late.refusal) == (False, "dispute_window_closed")


def test_window_when_nothing_arrived():
    assert _window().refusal == "dispute_too_early"
    assert _window(shipped_at=NOW - timedelta(days=10)).allowed
    assert _window(has_tracking=False, shipped_at=NOW - timedelta(days=10)).refusal == (
        "dispute_too_early"
    )
    agreed = _window(deliver_by=date(2026, 5, 31))
    assert (agreed.allowed, agreed.rule) == (True, "order.deliver_by")
    assert _window(deliver_by=date(2026, 4, 30)).refusal == "dispute_window_closed"


@pytest.mark.parametrize("status", ["placed", "accepted", "paid", "cancelled", "refunded"])
def test_other_states_cannot_be_disputed(status):
    assert _window(status=status).refusal == "dispute_not_allowed"


@pytest.mark.parametrize(
    ("amount", "ok"), [("0", True), ("70", True), ("70.01", False), ("-1", False)]
)
def test_refund_within_paid_less_refunded(amount, ok):
    assert rules.refund_within(Decimal(amount), paid=Decimal(100), refunded=Decimal(30)) is ok


@pytest.mark.parametrize(
    ("reason", "amount", "files"),
    [
        ("not_received", "1", True),
        ("not_as_described", "5", True),
        ("quality", "5", False),
        ("not_received", "0", False),
    ],
)
def test_files_complaint(reason, amount, files):
    assert rules.files_complaint(reason, Decimal(amount)) is files


def test_policy_rejects_auto_escalation_before_the_buyer_may_escalate():
    with pytest.raises(PolicyError, match="auto_escalate_day"):
        parse_trade_policy({"disputes": {"supplier_response_days": 3, "auto_escalate_day": 4}})
    assert DisputesPolicy().auto_escalate_day == 8
