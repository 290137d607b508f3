"""Issue 11, done when (API half): a buyer's inquiry, then an RFQ, a quotation, its acceptance
as an order draft, and that order placed, accepted, paid (SIMULATED), shipped and confirmed,
with a balanced ledger at the end."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import listing_create
from tests.trade.orders_helpers import new_key, pay
from tests.trade.rfq_factories import (
    buyer_create,
    client_for,
    quotation_payload,
    rfq_payload,
    supplier_create,
)
from tradepost.trade.selectors.ledger import ledger_check

pytestmark = pytest.mark.django_db


def _json(payload: dict) -> dict:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in payload.items()}


def test_inquiry_rfq_quotation_order_pay_ship_confirm(db):
    buyer, supplier = buyer_create(), supplier_create()
    listing = listing_create(supplier)
    bc, sc = client_for(buyer), client_for(supplier)

    inquiry = bc.post(
        "/inquiries",
        {"listing_id": listing.pk, "quantity": 1000, "message": "Can you quote 1,000 valves?"},
    )
    assert inquiry.status_code == 201, inquiry.content
    conversation = inquiry.json()["conversation_id"]
    reply = sc.post(f"/conversations/{conversation}/messages", {"body": "Yes: post an RFQ."})
    assert reply.status_code == 201, reply.content

    rfq = bc.post("/rfqs", _json(rfq_payload()))
    assert rfq.status_code == 201, rfq.content
    rfq_id = rfq.json()["id"]
    assert rfq_id in [r["id"] for r in sc.get("/rfqs/board").json()["items"]]
    quotation = sc.post(f"/rfqs/{rfq_id}/quotations", _json(quotation_payload()))
    assert quotation.status_code == 201, quotation.content

    accepted = bc.post(f"/quotations/{quotation.json()['id']}/accept")
    assert accepted.status_code == 201, accepted.content
    oid = accepted.json()["order_id"]
    draft = bc.get(f"/orders/{oid}").json()
    # 1,000 pieces at the quotation's 1,000-piece tier.
    assert (draft["status"], draft["total"], draft["currency"]) == ("draft", "4050", "USD")
    assert sc.post(f"/orders/{oid}/accept").status_code == 409  # not placed yet

    assert bc.post(f"/orders/{oid}/place").json()["status"] == "placed"
    assert sc.post(f"/orders/{oid}/accept").json()["status"] == "accepted"
    paid = pay(bc, oid, key=new_key())
    assert (paid.status_code, paid.json()["paid"]) == (200, "4050")
    shipped = sc.post(f"/orders/{oid}/ship", {"carrier": "COSCO", "tracking": "CN42"})
    assert shipped.json()["status"] == "shipped"
    done = bc.post(f"/orders/{oid}/confirm-receipt").json()

    assert (done["status"], done["paid"], done["refunded"]) == ("completed", "4050", "0")
    payable = [
        Decimal(e["amount"])
        for e in bc.get(f"/orders/{oid}/ledger").json()["entries"]
        if e["account"].startswith(f"supplier_payable:{supplier.pk}:")
    ]
    assert payable == [Decimal("3928.50")]  # 4,050 less the 3% platform fee
    assert ledger_check()["balanced"] is True


def test_only_the_buyer_places_a_draft(db):
    buyer, supplier = buyer_create(), supplier_create()
    bc, sc = client_for(buyer), client_for(supplier)
    rfq_id = bc.post("/rfqs", _json(rfq_payload())).json()["id"]
    qid = sc.post(f"/rfqs/{rfq_id}/quotations", _json(quotation_payload())).json()["id"]
    oid = bc.post(f"/quotations/{qid}/accept").json()["order_id"]

    refused = sc.post(f"/orders/{oid}/place")

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "order_invalid_transition"
    assert bc.get(f"/orders/{oid}").json()["status"] == "draft"
