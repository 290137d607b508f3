"""Orders over the API (issue 11): the public contract end to end, parties only, MOQ and tier
prices, the gates, cancel with refund."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import member_create
from tests.trade.orders_helpers import client_for, make_parties, new_key, pay
from tradepost.audit.models import AuditEntry
from tradepost.members.models import MemberStatus
from tradepost.trade.models.orders import Order, OrderEvent
from tradepost.trade.selectors.ledger import ledger_check, order_balances

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    buyer, supplier, listing = make_parties()
    return buyer, supplier, listing, client_for(buyer), client_for(supplier)


def place(buyer_client, listing, quantity=200, terms="FOB Ningbo, 30 days."):
    response = buyer_client.post(
        "/orders", {"listing_id": listing.pk, "quantity": quantity, "terms": terms}
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_place_accept_pay_ship_confirm_completes_with_a_balanced_ledger(world):
    _buyer, supplier, listing, bc, sc = world
    created = place(bc, listing, quantity=200)
    assert created == {"id": created["id"], "status": "placed", "total": "2500", "currency": "USD"}
    oid = created["id"]

    assert sc.post(f"/orders/{oid}/accept").json()["status"] == "accepted"
    paid = pay(bc, oid, key=new_key())
    assert paid.status_code == 200, paid.content
    assert (paid.json()["status"], paid.json()["paid"], paid.json()["provider"]) == (
        "paid",
        "2500",
        "simulated",
    )
    shipped = sc.post(f"/orders/{oid}/ship", {"carrier": "COSCO", "tracking": "CN123"})
    assert shipped.json()["status"] == "shipped"
    done = bc.post(f"/orders/{oid}/confirm-receipt")
    assert done.status_code == 200, done.content

    detail = bc.get(f"/orders/{oid}").json()
    assert (detail["status"], detail["total"], detail["paid"], detail["refunded"]) == (
        "completed",
        "2500",
        "2500",
        "0",
    )
    assert [(e["from"], e["to"]) for e in detail["events"]] == [
        ("", "draft"),
        ("draft", "placed"),
        ("placed", "accepted"),
        ("accepted", "paid"),
        ("paid", "shipped"),
        ("shipped", "delivered"),
        ("delivered", "completed"),
    ]
    assert detail["terms"] == "FOB Ningbo, 30 days."
    balances = order_balances(oid)
    assert balances == {f"escrow:-:{oid}:USD": Decimal(0)}
    ledger = bc.get(f"/orders/{oid}/ledger").json()["entries"]
    payable = [e for e in ledger if e["account"] == f"supplier_payable:{supplier.pk}:-:USD"]
    fees = [e for e in ledger if e["account"] == "platform_fees:-:-:USD"]
    assert [e["amount"] for e in payable] == ["2425"]  # 2500 less the 3% fee
    assert [e["amount"] for e in fees] == ["75"]
    assert {e["currency"] for e in ledger} == {"USD"}
    assert ledger_check()["balanced"] is True
    assert AuditEntry.objects.filter(action__startswith="order.", target_id=str(oid)).count() == 6


def test_only_the_parties_see_an_order(world):
    _, _, listing, bc, sc = world
    oid = place(bc, listing)["id"]
    stranger = client_for(member_create())
    for path in (f"/orders/{oid}", f"/orders/{oid}/ledger", "/orders/999999"):
        response = stranger.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "order_not_found"
    assert stranger.post(f"/orders/{oid}/accept").status_code == 404
    assert sc.get(f"/orders/{oid}").json()["role"] == "supplier"


def test_the_members_orders_are_listed_paged_as_buyer_and_supplier(world):
    _, _, listing, bc, sc = world
    ids = [place(bc, listing)["id"] for _ in range(3)]
    page = bc.get("/orders?limit=2").json()
    assert (page["count"], [o["id"] for o in page["items"]]) == (3, ids[::-1][:2])
    assert sc.get("/orders?role=supplier").json()["count"] == 3
    assert sc.get("/orders?role=buyer").json()["count"] == 0


@pytest.mark.parametrize(
    ("quantity", "total"), [(100, "1250"), (499, "6237.5"), (500, "5500"), (1000, "11000")]
)
def test_the_tier_price_at_the_quantity_sets_the_total(world, quantity, total):
    _, _, listing, bc, _ = world
    assert place(bc, listing, quantity=quantity)["total"] == total


def test_below_the_minimum_order_quantity_is_refused(world):
    _, _, listing, bc, _ = world
    response = bc.post("/orders", {"listing_id": listing.pk, "quantity": 99, "terms": ""})
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["moq"], list(error["fields"])) == (
        "order_below_moq",
        100,
        ["quantity"],
    )
    assert Order.objects.count() == 0


def test_an_unknown_listing_or_ones_own_is_refused(world):
    _, _supplier, listing, bc, sc = world
    assert bc.post("/orders", {"listing_id": 999999, "quantity": 100}).status_code == 404
    own = sc.post("/orders", {"listing_id": listing.pk, "quantity": 100})
    assert own.status_code in (422,)
    assert own.json()["error"]["code"] in ("order_own_listing", "not_a_buyer")


def test_cancel_after_payment_refunds_what_was_paid(world):
    _buyer, _, listing, bc, sc = world
    oid = place(bc, listing)["id"]
    sc.post(f"/orders/{oid}/accept")
    pay(bc, oid, key=new_key())
    response = bc.post(f"/orders/{oid}/cancel", {"reason": "Changed plans."})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["paid"], body["refunded"], body["held"]) == (
        "cancelled",
        "2500",
        "2500",
        "0",
    )
    assert order_balances(oid) == {f"escrow:-:{oid}:USD": Decimal(0)}
    again = bc.post(f"/orders/{oid}/cancel")
    assert again.status_code == 409
    assert ledger_check()["balanced"] is True


def test_cancel_before_payment_moves_no_money(world):
    _, _, listing, bc, _ = world
    oid = place(bc, listing)["id"]
    body = bc.post(f"/orders/{oid}/cancel").json()
    assert (body["status"], body["refunded"]) == ("cancelled", "0")
    assert bc.get(f"/orders/{oid}/ledger").json()["entries"] == []


def test_an_illegal_step_is_409_naming_from_and_to(world):
    _, _, listing, bc, sc = world
    oid = place(bc, listing)["id"]
    response = sc.post(f"/orders/{oid}/ship", {"carrier": "DHL", "tracking": "1"})
    assert response.status_code == 409
    error = response.json()["error"]
    assert (error["code"], error["from"], error["to"]) == (
        "order_invalid_transition",
        "placed",
        "shipped",
    )
    wrong_party = bc.post(f"/orders/{oid}/accept")
    assert wrong_party.status_code == 409
    assert wrong_party.json()["error"]["to"] == "accepted"
    assert OrderEvent.objects.filter(order_id=oid).count() == 2


def test_a_simulated_card_decline_writes_nothing(world):
    _buyer, supplier, _, bc, sc = world
    from tests.factories import listing_create

    cheap = listing_create(supplier, moq=1, price_tiers=[{"min_qty": 1, "unit_price": "13.13"}])
    oid = place(bc, cheap, quantity=1)["id"]
    sc.post(f"/orders/{oid}/accept")
    response = pay(bc, oid, key=new_key(), method="test_card")
    assert response.status_code == 402
    error = response.json()["error"]
    assert (error["code"], error["failure_code"], error["provider"]) == (
        "payment_failed",
        "card_declined",
        "simulated",
    )
    assert bc.get(f"/orders/{oid}").json()["status"] == "accepted"
    assert bc.get(f"/orders/{oid}/ledger").json()["entries"] == []
    assert pay(bc, oid, key=new_key(), method="test_transfer").json()["status"] == "paid"


@pytest.mark.parametrize("step", ["place", "pay"])
def test_a_suspended_member_cannot_place_or_pay(world, step):
    buyer, _, listing, bc, sc = world
    oid = place(bc, listing)["id"]
    sc.post(f"/orders/{oid}/accept")
    buyer.status = MemberStatus.SUSPENDED
    buyer.save(update_fields=["status"])
    from tradepost.errors import AccountNotActive
    from tradepost.trade.services import orders as services

    with pytest.raises(AccountNotActive) as error:
        if step == "place":
            services.order_place_from_listing(
                buyer=buyer, listing_id=listing.pk, quantity=100, by=buyer.user
            )
        else:
            services.order_pay(
                order=Order.objects.get(pk=oid), member=buyer, method="test_card", by=buyer.user
            )
    assert error.value.status == 403
    assert Order.objects.get(pk=oid).status == "accepted"


def test_a_member_restricted_from_orders_gets_403_with_the_clause(world):
    buyer, _, listing, bc, sc = world
    from tests.factories import staff_create
    from tradepost.trust.services import actions

    oid = place(bc, listing)["id"]
    sc.post(f"/orders/{oid}/accept")
    agent = staff_create(username="agent", role="Trust & safety agent")
    action = actions.action_take(
        member=buyer,
        kind="restrict_feature",
        clause="6.2 (iv)",
        feature="orders",
        reason="Chargebacks.",
        by=agent,
    )
    refused = bc.post("/orders", {"listing_id": listing.pk, "quantity": 100})
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert (error["code"], error["feature"], error["action_id"], error["clause"]) == (
        "feature_restricted",
        "orders",
        action.pk,
        "6.2 (iv)",
    )
    paying = pay(bc, oid, key=new_key())
    assert paying.status_code == 403
    assert paying.json()["error"]["code"] == "feature_restricted"


def test_an_overdue_unpaid_order_is_closed_when_next_read(world):
    _, _, listing, bc, sc = world
    oid = place(bc, listing)["id"]
    sc.post(f"/orders/{oid}/accept")
    Order.objects.filter(pk=oid).update(pay_by=timezone.now() - timedelta(seconds=1))
    body = bc.get(f"/orders/{oid}").json()
    assert body["status"] == "cancelled"
    assert (body["events"][-1]["action"], body["events"][-1]["actor"]) == (
        "close_unpaid",
        "platform",
    )
    assert pay(bc, oid, key=new_key()).json()["error"]["code"] == "order_invalid_transition"


def test_an_overdue_receipt_is_confirmed_when_the_list_is_read(world):
    _, _, listing, bc, sc = world
    oid = place(bc, listing)["id"]
    sc.post(f"/orders/{oid}/accept")
    pay(bc, oid, key=new_key())
    sc.post(f"/orders/{oid}/ship", {"carrier": "DHL", "tracking": "T1"})
    Order.objects.filter(pk=oid).update(receipt_due_at=timezone.now() - timedelta(seconds=1))
    listed = sc.get("/orders").json()["items"]
    assert [(o["id"], o["status"]) for o in listed] == [(oid, "completed")]
    assert sc.get(f"/orders/{oid}").json()["released"] == "2425"


def test_placing_and_shipping_queue_the_timer_tasks(world, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    _, _, listing, bc, _ = world
    with django_capture_on_commit_callbacks(execute=True):
        oid = place(bc, listing)["id"]
    task = DBTaskResult.objects.get(task_path="tradepost.trade.tasks.order_timers_run_task")
    assert task.args_kwargs["kwargs"] == {"order_id": oid}
    assert task.run_after == Order.objects.get(pk=oid).pay_by
