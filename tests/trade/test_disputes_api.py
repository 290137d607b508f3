"""Disputes over the API (issue 11, clauses 7.3, 7.6, 6.3 a): the contract, the windows and
deadlines with time moved, settlement, staff decisions, the ledger and the order's hold."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import member_create, staff_create
from tests.trade.disputes_helpers import age_dispute, open_dispute, shipped_order_due
from tests.trade.orders_helpers import client_for, make_parties, new_key, order_at
from tradepost.audit.models import AuditEntry
from tradepost.trade.models.disputes import Dispute
from tradepost.trade.models.orders import Order, OrderEvent
from tradepost.trade.selectors.ledger import ledger_check
from tradepost.trust.models import Complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    buyer, supplier, listing = make_parties()
    return buyer, supplier, listing, client_for(buyer), client_for(supplier)


def key(**extra):
    return {"HTTP_IDEMPOTENCY_KEY": new_key(), **extra}


def test_open_dispute_contract_and_access(world):
    buyer, supplier, listing, bc, sc = world
    order = shipped_order_due(buyer, supplier, listing)
    response = open_dispute(bc, order.pk, amount="100", statement="It never came.")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open"
    assert body["reason"] == "not_received"
    assert body["refund_requested"] == "100"
    assert body["proposal_by"] == "buyer"
    assert body["order_status"] == "shipped"
    assert body["next_actions"] == ["escalate", "settle"]
    dispute = Dispute.objects.get()
    assert dispute.auto_escalate_at - dispute.opened_at == timedelta(days=7)
    assert dispute.respond_by - dispute.opened_at == timedelta(days=3)
    seen = sc.get(f"/disputes/{body['id']}")
    assert seen.status_code == 200
    assert seen.json()["role"] == "supplier"
    assert seen.json()["next_actions"] == ["respond", "settle"]
    stranger = client_for(member_create(roles=["buyer"]))
    assert stranger.get(f"/disputes/{body['id']}").status_code == 404
    assert stranger.get("/disputes/999999").status_code == 404
    assert OrderEvent.objects.filter(order=order, action="dispute_open").count() == 1
    assert AuditEntry.objects.filter(action="dispute.open", target_id=str(body["id"])).count() == 1


def test_staff_reads_a_dispute_with_the_permission(world):
    buyer, supplier, listing, bc, _sc = world
    order = shipped_order_due(buyer, supplier, listing)
    did = open_dispute(bc, order.pk).json()["id"]
    agent = client_for(staff_create(username="ts", role="Trust & safety agent"))
    assert agent.get(f"/disputes/{did}").json()["role"] == "staff"
    support = client_for(staff_create(username="sa", role="Support agent"))
    assert support.get(f"/disputes/{did}").status_code == 403


def test_only_the_buyer_opens_and_only_once(world):
    buyer, supplier, listing, bc, sc = world
    order = shipped_order_due(buyer, supplier, listing)
    refused = open_dispute(sc, order.pk)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "dispute_invalid_transition"
    assert open_dispute(bc, order.pk).status_code == 201
    again = open_dispute(bc, order.pk)
    assert again.json()["error"]["code"] == "dispute_exists"


@pytest.mark.parametrize(
    ("amount", "status", "code"),
    [
        ("0", 422, "invalid_input"),
        ("abc", 422, None),
        ("1.23456", 422, None),
        ("999999", 422, "dispute_refund_too_high"),
    ],
)
def test_bad_refund_amounts_are_refused(world, amount, status, code):
    buyer, supplier, listing, bc, _sc = world
    order = shipped_order_due(buyer, supplier, listing)
    response = open_dispute(bc, order.pk, amount=amount)
    assert response.status_code == status
    if code:
        assert response.json()["error"]["code"] == code
    assert Dispute.objects.count() == 0


def test_not_arrived_too_early_before_the_agreed_date(world):
    buyer, supplier, listing, bc, _sc = world
    order = order_at("shipped", buyer, supplier, listing)
    Order.objects.filter(pk=order.pk).update(deliver_by=(timezone.now() + timedelta(days=3)).date())
    response = open_dispute(bc, order.pk)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "dispute_too_early"
    assert response.json()["error"]["rule"] == "order.deliver_by"


def test_without_an_agreed_date_the_window_opens_after_the_auto_confirm_period(world):
    buyer, supplier, listing, bc, _sc = world
    order = order_at("shipped", buyer, supplier, listing)
    early = open_dispute(bc, order.pk)
    assert early.json()["error"]["code"] == "dispute_too_early"
    assert early.json()["error"]["rule"] == "orders.receipt_auto_confirm_days"
    Order.objects.filter(pk=order.pk).update(
        shipped_at=timezone.now() - timedelta(days=10, hours=1),
        receipt_due_at=timezone.now() + timedelta(days=5),
    )
    assert open_dispute(bc, order.pk).status_code == 201


def test_open_too_late_after_confirmed_receipt_is_refused(world):
    buyer, supplier, listing, bc, _sc = world
    order = order_at("shipped", buyer, supplier, listing)
    from tradepost.trade.services.orders import order_confirm_receipt

    order_confirm_receipt(order=order, member=buyer, by=buyer.user)
    order.refresh_from_db()
    assert order.status == "completed"
    Order.objects.filter(pk=order.pk).update(delivered_at=timezone.now() - timedelta(days=31))
    response = open_dispute(bc, order.pk, reason="quality")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "dispute_window_closed"
    Order.objects.filter(pk=order.pk).update(delivered_at=timezone.now() - timedelta(days=29))
    assert open_dispute(bc, order.pk, reason="quality").status_code == 201


def test_unpaid_orders_cannot_be_disputed(world):
    buyer, supplier, listing, bc, _sc = world
    order = order_at("accepted", buyer, supplier, listing)
    assert open_dispute(bc, order.pk).json()["error"]["code"] == "dispute_not_allowed"


def test_supplier_responds_within_three_days_and_not_after(world):
    buyer, supplier, listing, bc, sc = world
    did = open_dispute(bc, shipped_order_due(buyer, supplier, listing).pk).json()["id"]
    age_dispute(did, 3.1)
    late = sc.post(f"/disputes/{did}/respond", {"statement": "Shipped on time."})
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "dispute_response_late"


def test_escalate_before_day_four_is_refused_then_allowed(world):
    buyer, supplier, listing, bc, sc = world
    did = open_dispute(bc, shipped_order_due(buyer, supplier, listing).pk).json()["id"]
    responded = sc.post(f"/disputes/{did}/respond", {"statement": "It is in transit."})
    assert responded.json()["status"] == "responded"
    age_dispute(did, 2.9)
    early = bc.post(f"/disputes/{did}/escalate")
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "dispute_escalation_too_early"
    assert sc.post(f"/disputes/{did}/escalate").json()["error"]["code"] == (
        "dispute_invalid_transition"
    )
    age_dispute(did, 0.2)
    escalated = bc.post(f"/disputes/{did}/escalate")
    assert escalated.status_code == 200
    assert escalated.json()["status"] == "escalated"
    dispute = Dispute.objects.get()
    assert dispute.decide_by - dispute.escalated_at == timedelta(days=5)


def test_escalation_is_automatic_on_day_eight_when_read(world):
    buyer, supplier, listing, bc, _sc = world
    did = open_dispute(bc, shipped_order_due(buyer, supplier, listing).pk).json()["id"]
    age_dispute(did, 6.9)
    assert bc.get(f"/disputes/{did}").json()["status"] == "open"
    age_dispute(did, 0.2)
    body = bc.get(f"/disputes/{did}").json()
    assert body["status"] == "escalated"
    assert body["decide_by"] is not None
    event = OrderEvent.objects.get(action="dispute_auto_escalate")
    assert event.actor == "platform"
    assert event.data["rule"] == "disputes.auto_escalate_day"


def test_escalation_sweep_task(world):
    buyer, supplier, listing, bc, _sc = world
    did = open_dispute(bc, shipped_order_due(buyer, supplier, listing).pk).json()["id"]
    age_dispute(did, 7.1)
    from tradepost.trade.services.disputes import disputes_timers_run_due

    assert disputes_timers_run_due() == 1
    assert Dispute.objects.get().status == "escalated"


def test_settle_partial_refund_by_proposal_and_acceptance(world):
    buyer, supplier, listing, bc, sc = world
    order = shipped_order_due(buyer, supplier, listing)
    total = order.total
    did = open_dispute(bc, order.pk, amount=str(total)).json()["id"]
    offer = sc.post(f"/disputes/{did}/settle", {"refund_amount": "100"}, **key())
    assert offer.status_code == 200, offer.content
    assert offer.json()["status"] == "open"
    assert offer.json()["proposal_by"] == "supplier"
    assert offer.json()["proposal_amount"] == "100"
    settled = bc.post(f"/disputes/{did}/settle", {"refund_amount": "100"}, **key())
    assert settled.status_code == 200, settled.content
    body = settled.json()
    assert body["status"] == "settled"
    assert body["refund_amount"] == "100"
    assert body["refunded"] == "100"
    assert body["order_status"] == "completed"
    detail = bc.get(f"/orders/{order.pk}").json()
    assert detail["refunded"] == "100"
    assert Decimal(detail["released"]) + Decimal(detail["fee"]) == total - 100
    assert detail["held"] == "0"
    assert ledger_check()["balanced"] is True


def test_settle_requires_an_idempotency_key_and_replays(world):
    buyer, supplier, listing, bc, sc = world
    did = open_dispute(bc, shipped_order_due(buyer, supplier, listing).pk).json()["id"]
    missing = sc.post(f"/disputes/{did}/settle", {"refund_amount": "100"})
    assert missing.status_code == 400
    headers = key()
    first = sc.post(f"/disputes/{did}/settle", {"refund_amount": "100"}, **headers)
    again = sc.post(f"/disputes/{did}/settle", {"refund_amount": "100"}, **headers)
    assert first.json()["status"] == "settled"
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert ledger_check()["balanced"] is True


def test_settle_never_above_paid(world):
    buyer, supplier, listing, bc, sc = world
    order = shipped_order_due(buyer, supplier, listing)
    did = open_dispute(bc, order.pk).json()["id"]
    too_much = sc.post(f"/disputes/{did}/settle", {"refund_amount": str(order.total + 1)}, **key())
    assert too_much.status_code == 422
    assert too_much.json()["error"]["code"] == "dispute_refund_too_high"


def test_supplier_accepts_the_full_refund_and_the_order_is_refunded(world):
    buyer, supplier, listing, bc, sc = world
    order = shipped_order_due(buyer, supplier, listing)
    did = open_dispute(bc, order.pk, amount=str(order.total)).json()["id"]
    response = sc.post(
        f"/disputes/{did}/respond", {"statement": "Lost in transit.", "accept_refund": True}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "settled"
    assert response.json()["order_status"] == "refunded"
    detail = bc.get(f"/orders/{order.pk}").json()
    assert Decimal(detail["refunded"]) == order.total
    assert detail["held"] == "0"
    assert ledger_check()["balanced"] is True


def _escalated(world):
    buyer, supplier, listing, bc, _sc = world
    order = shipped_order_due(buyer, supplier, listing)
    did = open_dispute(bc, order.pk, amount=str(order.total)).json()["id"]
    age_dispute(did, 7.1)
    assert bc.get(f"/disputes/{did}").json()["status"] == "escalated"
    return order, did


def test_staff_decide_refunds_and_files_the_6_3_a_complaint(world):
    buyer, supplier, _listing, bc, _sc = world
    order, did = _escalated(world)
    agent = client_for(staff_create(username="ts", role="Trust & safety agent"))
    response = agent.post(
        f"/staff/disputes/{did}/decide",
        {"refund_amount": str(order.total), "reason": "No proof of delivery."},
        **key(),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "decided"
    assert body["order_status"] == "refunded"
    complaint = Complaint.objects.get()
    assert complaint.subject == supplier
    assert complaint.complainant == buyer
    assert complaint.ground == "6.3 a"
    assert complaint.source == "trade"
    assert complaint.reference == f"order:{order.pk}"
    assert body["complaint_id"] == complaint.pk
    assert Decimal(bc.get(f"/orders/{order.pk}").json()["refunded"]) == order.total
    assert ledger_check()["balanced"] is True
    assert AuditEntry.objects.filter(action="dispute.decide").count() == 1


def test_staff_decide_for_the_supplier_releases_and_files_nothing(world):
    _buyer, _supplier, _listing, bc, _sc = world
    order, did = _escalated(world)
    agent = client_for(staff_create(username="ts", role="Trust & safety agent"))
    response = agent.post(
        f"/staff/disputes/{did}/decide", {"refund_amount": "0", "reason": "Tracked."}, **key()
    )
    assert response.json()["order_status"] == "completed"
    assert Complaint.objects.count() == 0
    assert bc.get(f"/orders/{order.pk}").json()["refunded"] == "0"


def test_staff_decide_needs_the_permission_escalation_and_a_key(world):
    buyer, supplier, listing, bc, _sc = world
    order = shipped_order_due(buyer, supplier, listing)
    did = open_dispute(bc, order.pk).json()["id"]
    agent = client_for(staff_create(username="ts", role="Trust & safety agent"))
    support = client_for(staff_create(username="sa", role="Support agent"))
    payload = {"refund_amount": "10", "reason": "x"}
    assert support.post(f"/staff/disputes/{did}/decide", payload, **key()).status_code == 403
    assert bc.post(f"/staff/disputes/{did}/decide", payload, **key()).status_code in (401, 403)
    not_yet = agent.post(f"/staff/disputes/{did}/decide", payload, **key())
    assert not_yet.json()["error"]["code"] == "dispute_invalid_transition"
    assert agent.post(f"/staff/disputes/{did}/decide", payload).status_code == 400
    age_dispute(did, 7.1)
    over = agent.post(
        f"/staff/disputes/{did}/decide",
        {"refund_amount": str(order.total + 1), "reason": "x"},
        **key(),
    )
    assert over.json()["error"]["code"] == "dispute_refund_too_high"


def test_completion_is_blocked_while_a_dispute_is_open(world):
    buyer, supplier, listing, bc, _sc = world
    order = shipped_order_due(buyer, supplier, listing)
    did = open_dispute(bc, order.pk).json()["id"]
    Order.objects.filter(pk=order.pk).update(receipt_due_at=timezone.now() - timedelta(seconds=1))
    assert bc.get(f"/orders/{order.pk}").json()["status"] == "shipped"
    confirm = bc.post(f"/orders/{order.pk}/confirm-receipt")
    assert confirm.status_code == 409
    assert confirm.json()["error"]["code"] == "order_disputed"
    order.refresh_from_db()
    assert order.status == "shipped"
    assert Dispute.objects.get(pk=did).status == "open"


def test_a_completed_order_refunds_from_the_supplier_payable(world):
    buyer, supplier, listing, bc, sc = world
    order = order_at("shipped", buyer, supplier, listing)
    from tradepost.trade.services.orders import order_confirm_receipt

    order_confirm_receipt(order=order, member=buyer, by=buyer.user)
    did = open_dispute(bc, order.pk, reason="quality", amount="50").json()["id"]
    settled = sc.post(f"/disputes/{did}/settle", {"refund_amount": "50"}, **key())
    assert settled.json()["status"] == "settled"
    assert settled.json()["refunded"] == "50"
    assert ledger_check()["balanced"] is True
    second = Dispute.objects.get()
    assert second.refund_amount == Decimal("50")
