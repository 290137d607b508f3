"""The reliability proof of issue 11 as a hypothesis state machine: random sequences of order
actions through the API, with duplicate retries under the same Idempotency-Key and timers
with time moved; after every step the ledger balances, no escrow is negative, no order is
paid twice, refunds never exceed payments and every status change follows an allowed edge."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from tests.trade.orders_helpers import client_for, make_parties, new_key
from tradepost.trade.models.ledger import LedgerTransaction
from tradepost.trade.models.orders import Order, OrderEvent
from tradepost.trade.rules.orders import ALLOWED_EDGES
from tradepost.trade.selectors.ledger import ledger_check
from tradepost.trade.selectors.orders import order_money
from tradepost.trade.services import orders as services

pytestmark = pytest.mark.django_db


def run_machine(buyer_client, supplier_client, listing):
    class OrderMachine(RuleBasedStateMachine):
        orders = Bundle("orders")

        def __init__(self) -> None:
            super().__init__()
            self.keys: dict[int, str] = {}
            self.mine: list[int] = []

        @rule(target=orders, quantity=st.sampled_from([100, 250, 500]))
        def place(self, quantity):
            response = buyer_client.post(
                "/orders", {"listing_id": listing.pk, "quantity": quantity, "terms": "x"}
            )
            assert response.status_code == 201
            self.mine.append(response.json()["id"])
            return response.json()["id"]

        @rule(order_id=orders)
        def accept(self, order_id):
            assert supplier_client.post(f"/orders/{order_id}/accept").status_code in (200, 409)

        @rule(order_id=orders)
        def decline(self, order_id):
            assert supplier_client.post(f"/orders/{order_id}/decline").status_code in (200, 409)

        @rule(
            order_id=orders,
            reuse=st.booleans(),
            method=st.sampled_from(["test_card", "test_card", "test_transfer"]),
        )
        def pay(self, order_id, reuse, method):
            key = self.keys.get(order_id) if reuse else None
            key = key or new_key()
            self.keys[order_id] = key
            response = buyer_client.post(
                f"/orders/{order_id}/pay", {"method": method}, HTTP_IDEMPOTENCY_KEY=key
            )
            assert response.status_code in (200, 409, 422), response.content
            if response.status_code == 422:
                assert response.json()["error"]["code"] == "idempotency_key_reused"
            retry = buyer_client.post(
                f"/orders/{order_id}/pay", {"method": method}, HTTP_IDEMPOTENCY_KEY=key
            )
            assert retry.status_code == response.status_code
            assert retry.json() == response.json()

        @rule(order_id=orders, tracking=st.sampled_from(["", "TRK1"]))
        def ship(self, order_id, tracking):
            response = supplier_client.post(
                f"/orders/{order_id}/ship", {"carrier": "DHL", "tracking": tracking}
            )
            assert response.status_code in (200, 409)

        @rule(order_id=orders)
        def confirm(self, order_id):
            key = new_key()
            first = buyer_client.post(
                f"/orders/{order_id}/confirm-receipt", HTTP_IDEMPOTENCY_KEY=key
            )
            again = buyer_client.post(
                f"/orders/{order_id}/confirm-receipt", HTTP_IDEMPOTENCY_KEY=key
            )
            assert first.status_code in (200, 409)
            assert (again.status_code, again.json()) == (first.status_code, first.json())

        @rule(order_id=orders, by_buyer=st.booleans())
        def cancel(self, order_id, by_buyer):
            client = buyer_client if by_buyer else supplier_client
            key = new_key()
            first = client.post(f"/orders/{order_id}/cancel", HTTP_IDEMPOTENCY_KEY=key)
            again = client.post(f"/orders/{order_id}/cancel", HTTP_IDEMPOTENCY_KEY=key)
            assert first.status_code in (200, 409)
            assert again.status_code == first.status_code

        @rule(order_id=orders)
        def extend(self, order_id):
            assert buyer_client.post(f"/orders/{order_id}/extend-receipt").status_code in (
                200,
                409,
            )

        @rule(order_id=orders, days=st.sampled_from([1, 6, 11, 31, 60]))
        def time_passes(self, order_id, days):
            order = Order.objects.get(pk=order_id)
            services.order_timers_run(order=order, now=timezone.now() + timedelta(days=days))

        @rule(order_id=orders, share=st.sampled_from(["0.5", "1", "1.01"]))
        def dispute_and_settle(self, order_id, share):
            """A buyer's dispute settled by agreement, before or after completion (a refund
            after completion comes back from the supplier's payable and the fee)."""
            order = Order.objects.get(pk=order_id)
            amount = str((order.total * Decimal(share)).quantize(Decimal("0.01")))
            opened = buyer_client.post(
                f"/orders/{order_id}/disputes",
                {"reason": "quality", "refund_amount": amount, "statement": "Broken"},
            )
            assert opened.status_code in (201, 409, 422), opened.content
            if opened.status_code != 201:
                return
            settled = supplier_client.post(
                f"/disputes/{opened.json()['id']}/settle",
                {"refund_amount": amount},
                HTTP_IDEMPOTENCY_KEY=new_key(),
            )
            assert settled.status_code == 200, settled.content

        @invariant()
        def money_and_states_hold(self):
            check = ledger_check()
            assert check["balanced"], check
            for order_id in self.mine:
                order = Order.objects.get(pk=order_id)
                money = order_money(order)
                payments = LedgerTransaction.objects.filter(
                    reference=order.reference, kind="payment"
                ).count()
                assert payments <= 1
                assert money.paid in (Decimal(0), order.total)
                assert Decimal(0) <= money.refunded <= money.paid
                assert money.held >= 0
                assert money.refunded_after_completion <= money.released + money.fee
                assert Decimal(0) <= money.fee_reversed <= money.fee
                from_escrow = money.refunded - money.refunded_after_completion
                assert from_escrow + money.released + money.fee + money.held == money.paid
                events = list(OrderEvent.objects.filter(order=order).order_by("at", "id"))
                chain = [(e.from_status, e.to_status) for e in events]
                assert chain[0] == ("", "draft")
                for (frm, to), (_, prev_to) in zip(chain[1:], chain[:-1], strict=True):
                    # A dispute's steps are on the order's timeline without moving it
                    # (a dispute after completion leaves it completed): same-status events.
                    assert frm == to or (frm, to) in ALLOWED_EDGES
                    assert frm == prev_to
                assert chain[-1][1] == order.status
                if order.status == "completed":
                    assert money.held == 0 and money.released > 0

    OrderMachine.TestCase.settings = settings(
        max_examples=12,
        stateful_step_count=12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    OrderMachine.TestCase().runTest()


def test_random_order_actions_keep_the_money_and_the_lifecycle_sound(db):
    buyer, supplier, listing = make_parties()
    run_machine(client_for(buyer), client_for(supplier), listing)
