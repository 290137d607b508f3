"""Refunds before and after completion (issue 11, 7.3): `refunded` counts every refund of an
order whatever account it came from, the bound holds across refunds, and a refund after
completion takes the same share of the platform fee back (platform policy
`[orders] refund_reverses_fee`), each posting balanced."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import listing_create
from tests.trade.disputes_helpers import open_dispute, shipped_order_due
from tests.trade.orders_helpers import client_for, make_parties, new_key, order_at
from tradepost.errors import InvalidInput
from tradepost.policy.trade import OrdersPolicy, TradePolicy, load_trade_policy
from tradepost.trade.models.ledger import AccountPurpose, LedgerEntry, TransactionKind
from tradepost.trade.rules.orders import fee_reversal
from tradepost.trade.selectors.ledger import ledger_check
from tradepost.trade.selectors.orders import order_money
from tradepost.trade.services import disputes as dispute_services
from tradepost.trade.services.ledger import Leg, ledger_account, ledger_post
from tradepost.trade.services.orders import order_confirm_receipt

pytestmark = pytest.mark.django_db


def key():
    return {"HTTP_IDEMPOTENCY_KEY": new_key()}


def completed_order(buyer, supplier, listing, *, quantity=100):
    order = order_at("shipped", buyer, supplier, listing, quantity=quantity)
    order_confirm_receipt(order=order, member=buyer, by=buyer.user)
    order.refresh_from_db()
    assert order.status == "completed"
    return order


def settle(bc, sc, order, amount, *, reason="quality"):
    opened = open_dispute(bc, order.pk, reason=reason, amount=amount)
    assert opened.status_code == 201, opened.content
    did = opened.json()["id"]
    settled = sc.post(f"/disputes/{did}/settle", {"refund_amount": amount}, **key())
    assert settled.status_code == 200, settled.content
    assert settled.json()["status"] == "settled"
    return settled.json()


def refund_legs(order):
    return {
        e.account.purpose: e.amount
        for e in LedgerEntry.objects.filter(
            transaction__reference=order.reference, transaction__kind=TransactionKind.REFUND
        ).select_related("account")
    }


@pytest.fixture
def world(db):
    buyer, supplier, listing = make_parties()
    return buyer, supplier, listing, client_for(buyer), client_for(supplier)


@pytest.fixture
def fee_not_reversed(monkeypatch):
    policy = load_trade_policy()
    changed = policy.model_copy(
        update={"orders": policy.orders.model_copy(update={"refund_reverses_fee": False})}
    )
    monkeypatch.setattr(dispute_services, "load_trade_policy", lambda: changed)


# --- The rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fee", "completed", "refunded", "already", "currency", "expected"),
    [
        (Decimal("37.50"), Decimal("1250"), Decimal("625"), Decimal(0), "USD", Decimal("18.75")),
        (Decimal("37.50"), Decimal("1250"), Decimal("1250"), Decimal(0), "USD", Decimal("37.50")),
        # JPY has no minor unit: 3% of 1001 is 30 (30.03), half of it 15.
        (Decimal("30"), Decimal("1001"), Decimal("500"), Decimal(0), "JPY", Decimal("15")),
        # A second refund takes the rest of the running target, not its own rounded share.
        (Decimal("30"), Decimal("1001"), Decimal("1001"), Decimal("15"), "JPY", Decimal("15")),
        # KWD has three decimals: 0.03 x 10.001 = 0.30003 -> 0.300; a third of it 0.100.
        (Decimal("0.300"), Decimal("10.001"), Decimal("3.334"), Decimal(0), "KWD", Decimal("0.1")),
        (Decimal("0"), Decimal("100"), Decimal("100"), Decimal(0), "USD", Decimal("0")),
        (Decimal("3"), Decimal("100"), Decimal("0"), Decimal(0), "USD", Decimal("0")),
    ],
)
def test_fee_reversal_rule(fee, completed, refunded, already, currency, expected):
    got = fee_reversal(
        fee=fee,
        completed=completed,
        refunded_after_completion=refunded,
        reversed_already=already,
        currency=currency,
    )
    assert got == expected


def test_fee_reversals_in_steps_sum_to_the_whole_fee():
    fee, completed, reversed_so_far, refunded = Decimal("0.31"), Decimal("10.33"), Decimal(0), 0
    for step in (Decimal("3.33"), Decimal("3.33"), Decimal("3.67")):
        refunded += step
        reversed_so_far += fee_reversal(
            fee=fee,
            completed=completed,
            refunded_after_completion=refunded,
            reversed_already=reversed_so_far,
            currency="USD",
        )
    assert reversed_so_far == fee


def test_policy_key_is_validated():
    assert OrdersPolicy().refund_reverses_fee is True
    assert load_trade_policy().orders.refund_reverses_fee is True
    with pytest.raises(ValueError, match="refund_reverses_fee"):
        OrdersPolicy.model_validate({"refund_reverses_fee": "yes"})
    with pytest.raises(ValueError, match="refund_reverse_fee"):
        TradePolicy.model_validate({"orders": {"refund_reverse_fee": True}})


# --- Before completion -------------------------------------------------------------------------


def test_partial_refund_before_completion_comes_from_escrow_and_fee_is_on_the_rest(world):
    buyer, supplier, listing, bc, sc = world
    order = shipped_order_due(buyer, supplier, listing)
    body = settle(bc, sc, order, "250", reason="not_received")
    assert body["refunded"] == "250"
    legs = refund_legs(order)
    assert legs == {AccountPurpose.ESCROW: Decimal("-250"), AccountPurpose.REFUNDS: Decimal("250")}
    money = order_money(order)
    assert money.paid == Decimal("1250")
    assert money.refunded == Decimal("250")
    assert money.fee == Decimal("30.00")  # 3% of the 1000 released
    assert money.fee_reversed == 0
    assert money.held == 0
    assert ledger_check()["balanced"] is True


def test_full_refund_before_completion_refunds_the_order(world):
    buyer, supplier, listing, bc, sc = world
    order = shipped_order_due(buyer, supplier, listing)
    body = settle(bc, sc, order, "1250", reason="not_received")
    assert body["order_status"] == "refunded"
    detail = bc.get(f"/orders/{order.pk}").json()
    assert detail["paid"] == "1250"
    assert detail["refunded"] == "1250"
    assert detail["fee"] == "0"
    assert ledger_check()["balanced"] is True


# --- After completion --------------------------------------------------------------------------


def test_partial_refund_after_completion_reverses_the_fee_share(world):
    buyer, supplier, listing, bc, sc = world
    order = completed_order(buyer, supplier, listing)
    before = order_money(order)
    assert (before.released, before.fee) == (Decimal("1212.50"), Decimal("37.50"))
    body = settle(bc, sc, order, "625")
    assert body["refunded"] == "625"
    assert refund_legs(order) == {
        AccountPurpose.SUPPLIER_PAYABLE: Decimal("-606.25"),
        AccountPurpose.PLATFORM_FEES: Decimal("-18.75"),
        AccountPurpose.REFUNDS: Decimal("625"),
    }
    detail = bc.get(f"/orders/{order.pk}").json()
    assert detail["paid"] == "1250"
    assert detail["refunded"] == "625"
    assert detail["held"] == "0"
    assert ledger_check()["balanced"] is True


def test_full_refund_after_completion_reverses_the_whole_fee(world):
    buyer, supplier, listing, bc, sc = world
    order = completed_order(buyer, supplier, listing)
    settle(bc, sc, order, "1250")
    assert refund_legs(order) == {
        AccountPurpose.SUPPLIER_PAYABLE: Decimal("-1212.50"),
        AccountPurpose.PLATFORM_FEES: Decimal("-37.50"),
        AccountPurpose.REFUNDS: Decimal("1250"),
    }
    fees = ledger_account(purpose=AccountPurpose.PLATFORM_FEES, currency="USD")
    assert sum(e.amount for e in LedgerEntry.objects.filter(account=fees)) == 0
    detail = bc.get(f"/orders/{order.pk}").json()
    assert detail["refunded"] == "1250"
    assert Decimal(detail["refunded"]) <= Decimal(detail["paid"])
    assert ledger_check()["balanced"] is True


def test_refund_after_completion_without_fee_reversal_comes_from_the_payable(
    world, fee_not_reversed
):
    buyer, supplier, listing, bc, sc = world
    order = completed_order(buyer, supplier, listing)
    settle(bc, sc, order, "625")
    assert refund_legs(order) == {
        AccountPurpose.SUPPLIER_PAYABLE: Decimal("-625"),
        AccountPurpose.REFUNDS: Decimal("625"),
    }
    assert bc.get(f"/orders/{order.pk}").json()["refunded"] == "625"
    assert ledger_check()["balanced"] is True


@pytest.mark.parametrize(
    ("currency", "price", "quantity", "refund", "fee", "fee_back"),
    [
        # JPY, no minor unit: paid 1001, fee 30 (30.03), half-ish refund 500 -> 14.99 -> 15.
        ("JPY", "1001", 1, "500", Decimal("30"), Decimal("15")),
        # KWD, three decimals: paid 10.001, fee 0.300, refund 3.334 -> 0.1000 -> 0.100.
        ("KWD", "10.001", 1, "3.334", Decimal("0.300"), Decimal("0.100")),
    ],
)
def test_fee_reversal_in_odd_minor_units(world, currency, price, quantity, refund, fee, fee_back):
    buyer, supplier, _, bc, sc = world
    listing = listing_create(
        supplier, currency=currency, moq=1, price_tiers=[{"min_qty": 1, "unit_price": price}]
    )
    order = completed_order(buyer, supplier, listing, quantity=quantity)
    assert order_money(order).fee == fee
    settle(bc, sc, order, refund)
    legs = refund_legs(order)
    assert legs[AccountPurpose.PLATFORM_FEES] == -fee_back
    assert legs[AccountPurpose.SUPPLIER_PAYABLE] == -(Decimal(refund) - fee_back)
    assert legs[AccountPurpose.REFUNDS] == Decimal(refund)
    assert bc.get(f"/orders/{order.pk}").json()["refunded"] == refund
    assert ledger_check()["balanced"] is True


def test_refunded_counts_a_refund_from_any_account_and_bounds_the_next(world):
    """One dispute per order, so a further refund comes another way (here a posting from the
    supplier's payable, as an operator's correction would): `refunded` sees it, and the
    bound counts it."""
    buyer, supplier, listing, bc, sc = world
    order = completed_order(buyer, supplier, listing)
    ledger_post(
        kind=TransactionKind.REFUND,
        reference=order.reference,
        dedupe_key=f"{order.reference}:correction",
        legs=[
            Leg(
                ledger_account(
                    purpose=AccountPurpose.SUPPLIER_PAYABLE, currency="USD", member=supplier
                ),
                Decimal("-1000"),
            ),
            Leg(
                ledger_account(purpose=AccountPurpose.REFUNDS, currency="USD", member=buyer),
                Decimal("1000"),
            ),
        ],
        actor=None,
        memo="correction",
    )
    assert bc.get(f"/orders/{order.pk}").json()["refunded"] == "1000"
    too_much = open_dispute(bc, order.pk, reason="quality", amount="250.01")
    assert too_much.status_code == 422
    error = too_much.json()["error"]
    assert error["code"] == "dispute_refund_too_high"
    assert error["max_refund"] == "250"
    body = settle(bc, sc, order, "250")
    assert body["refunded"] == "1250"
    detail = bc.get(f"/orders/{order.pk}").json()
    assert detail["refunded"] == detail["paid"] == "1250"
    assert ledger_check()["balanced"] is True


def test_repeated_partial_refunds_after_completion_stop_at_paid(world):
    buyer, supplier, listing, bc, sc = world
    order = completed_order(buyer, supplier, listing)
    settle(bc, sc, order, "1000")
    with pytest.raises(InvalidInput) as raised:
        dispute_services._refund_bound(order, Decimal("250.01"))
    assert raised.value.code == "dispute_refund_too_high"
    assert raised.value.extra == {"max_refund": "250"}
    dispute_services._refund_bound(order, Decimal("250"))
    money = order_money(order)
    assert money.refunded == Decimal("1000")
    assert money.refunded <= money.paid
