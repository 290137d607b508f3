"""The order rules without a database (issue 11): the transition table, tier prices, the fee
and the timers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradepost.policy.trade import OrdersPolicy, load_trade_policy
from tradepost.trade.models.orders import OrderStatus
from tradepost.trade.rules.orders import (
    TERMINAL,
    TRANSITIONS,
    Action,
    Actor,
    TierPrice,
    next_actions,
    platform_fee,
    receipt_deadline,
    tier_price,
    timer_due,
    transition_decide,
)

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
POLICY = OrdersPolicy()


@pytest.mark.parametrize(
    "edge", TRANSITIONS, ids=lambda t: f"{t.from_status}-{t.action}-{t.to_status}"
)
def test_each_edge_is_allowed_for_its_actors_only(edge):
    for actor in Actor:
        decision = transition_decide(edge.from_status, edge.action, actor)
        assert decision.allowed is (actor in edge.actors)
        assert (decision.from_status, decision.to_status) == (edge.from_status, edge.to_status)


ILLEGAL = [
    (status, action)
    for status in OrderStatus
    for action in Action
    if not any(t.from_status == status and t.action == action for t in TRANSITIONS)
]


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_every_move_the_table_does_not_list_is_refused(status, action):
    for actor in Actor:
        decision = transition_decide(status, action, actor)
        assert (decision.allowed, decision.reason) == (False, "no_edge")


def test_terminal_states_have_no_way_out():
    assert {t.from_status for t in TRANSITIONS} & TERMINAL == set()
    for status in TERMINAL:
        assert all(next_actions(status, actor) == [] for actor in Actor)


def test_the_buyers_next_steps_after_acceptance():
    assert next_actions(OrderStatus.ACCEPTED, Actor.BUYER) == [Action.PAY, Action.CANCEL]


TIERS = [TierPrice(100, Decimal("12.50")), TierPrice(500, Decimal("11.00"))]


@pytest.mark.parametrize(
    ("quantity", "price", "refusal"),
    [
        (99, None, "below_moq"),
        (100, Decimal("12.50"), ""),
        (499, Decimal("12.50"), ""),
        (500, Decimal("11.00"), ""),
        (10_000, Decimal("11.00"), ""),
    ],
)
def test_the_tier_price_at_a_quantity(quantity, price, refusal):
    line = tier_price(TIERS, quantity, moq=100)
    assert (line.unit_price, line.refusal) == (price, refusal)


def test_no_tier_at_or_below_the_quantity_gives_no_price():
    assert tier_price([TierPrice(200, Decimal(1))], 150, moq=100).refusal == "no_tier"


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000"), places=2),
    st.decimals(min_value=Decimal(0), max_value=Decimal("0.5"), places=4),
)
def test_the_fee_is_in_minor_units_and_never_above_the_amount(amount, rate):
    fee = platform_fee(amount, rate, "USD")
    assert Decimal(0) <= fee <= amount
    assert fee == fee.quantize(Decimal("0.01"))


def test_the_fee_in_a_currency_without_minor_units():
    assert platform_fee(Decimal(1001), Decimal("0.03"), "JPY") == Decimal(30)


def test_the_receipt_deadline_with_and_without_tracking_and_extensions():
    assert receipt_deadline(T0, has_tracking=True, extensions=0, policy=POLICY) == T0 + timedelta(
        days=10
    )
    assert receipt_deadline(T0, has_tracking=False, extensions=0, policy=POLICY) == T0 + timedelta(
        days=30
    )
    assert receipt_deadline(T0, has_tracking=True, extensions=2, policy=POLICY) == T0 + timedelta(
        days=40
    )


def test_timers_come_due_only_at_their_deadline():
    kwargs = {"pay_by": T0, "receipt_due_at": T0, "release_at": T0}
    assert timer_due(status="placed", now=T0 - timedelta(seconds=1), **kwargs) is None
    assert timer_due(status="accepted", now=T0, **kwargs).action == Action.CLOSE_UNPAID
    assert timer_due(status="shipped", now=T0, **kwargs).action == Action.AUTO_CONFIRM
    assert timer_due(status="delivered", now=T0, **kwargs).action == Action.COMPLETE
    assert timer_due(status="paid", now=T0 + timedelta(days=99), **kwargs) is None


def test_the_bundled_policy_has_the_issues_defaults():
    orders = load_trade_policy().orders
    assert (
        orders.unpaid_close_days,
        orders.receipt_auto_confirm_days,
        orders.receipt_auto_confirm_days_without_tracking,
        orders.receipt_extension_days,
        orders.receipt_extensions_per_party,
    ) == (5, 10, 30, 15, 1)
