"""The SIMULATED test provider (issue 11): every charge and refund succeeds except the scripted
failures of policy/trade.toml; a failed refund leaves the order paid and the money held."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import listing_create
from tests.trade.orders_helpers import client_for, make_parties, new_key, order_at, pay
from tradepost.trade.payments import payment_provider
from tradepost.trade.payments.simulated import SimulatedProvider
from tradepost.trade.selectors.orders import order_money
from tradepost.trade.services import orders as services
from tradepost.trade.services.orders import PaymentFailed


@pytest.mark.parametrize(
    ("amount", "method", "code"),
    [
        ("13.13", "test_card", "card_declined"),
        ("13.13", "test_transfer", ""),
        ("14.14", "test_card", "insufficient_funds"),
        ("14.14", "test_transfer", "insufficient_funds"),
        ("15.15", "test_transfer", "transfer_rejected"),
        ("15.15", "test_card", ""),
        ("100.00", "test_card", ""),
    ],
)
def test_scripted_charge_failures_come_from_the_policy(amount, method, code):
    result = SimulatedProvider().charge(
        amount=Decimal(amount), currency="USD", method=method, reference="order:1"
    )
    assert (result.ok, result.failure_code) == (code == "", code)
    if result.ok:
        assert result.reference.startswith("sim_ch_")


def test_the_provider_in_use_is_the_simulated_one():
    provider = payment_provider()
    assert (provider.name, provider.simulated) == ("simulated", True)


@pytest.mark.django_db
def test_a_failed_refund_leaves_the_order_paid_with_the_money_held():
    buyer, supplier, _ = make_parties()
    listing = listing_create(supplier, moq=1, price_tiers=[{"min_qty": 1, "unit_price": "16.16"}])
    order = order_at("paid", buyer, supplier, listing, quantity=1)
    with pytest.raises(PaymentFailed) as error:
        services.order_cancel(order=order, member=buyer, by=buyer.user)
    assert (error.value.code, error.value.extra["failure_code"]) == (
        "refund_failed",
        "refund_failed",
    )
    order.refresh_from_db()
    assert (order.status, order_money(order).held) == ("paid", Decimal("16.16"))


@pytest.mark.django_db
def test_decline_and_extend_receipt_over_the_api():
    buyer, supplier, listing = make_parties()
    bc, sc = client_for(buyer), client_for(supplier)
    placed = order_at("placed", buyer, supplier, listing)
    declined = sc.post(f"/orders/{placed.pk}/decline", {"reason": "Out of stock."})
    assert declined.json()["status"] == "declined"
    assert declined.json()["events"][-1]["data"] == {"reason": "Out of stock."}

    shipped = order_at("shipped", buyer, supplier, listing)
    first = bc.post(f"/orders/{shipped.pk}/extend-receipt")
    assert first.status_code == 200
    again = bc.post(f"/orders/{shipped.pk}/extend-receipt")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "order_extension_used")
    assert sc.post(f"/orders/{shipped.pk}/extend-receipt").status_code == 200
    assert pay(bc, shipped.pk, key=new_key()).status_code == 409
