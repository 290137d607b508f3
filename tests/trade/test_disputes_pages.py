"""Dispute and feedback pages (issue 11): the order page's dispute form, state, deadlines
and each party's actions; the feedback form after completion; the supplier rating on the
storefront and listing card; the console's disputes with the decide action and feedback
with void."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import staff_create
from tests.trade.disputes_helpers import age_dispute, shipped_order_due
from tests.trade.orders_helpers import make_parties, order_at
from tradepost.audit.models import AuditEntry
from tradepost.trade.models.disputes import Dispute
from tradepost.trade.models.feedback import Feedback
from tradepost.trade.selectors.ledger import ledger_check
from tradepost.trade.services.orders import order_confirm_receipt
from tradepost.trust.models import Complaint

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client()
    client.force_login(getattr(user, "user", user))
    return client


def test_buyer_opens_a_dispute_from_the_order_page_and_the_parties_settle():
    buyer, supplier, listing = make_parties()
    order = shipped_order_due(buyer, supplier, listing)
    bc, sc = browser(buyer), browser(supplier)
    page = bc.get(f"/my/orders/{order.pk}/").content.decode()
    assert "Open a dispute" in page
    assert "Open a dispute" not in sc.get(f"/my/orders/{order.pk}/").content.decode()
    response = bc.post(
        f"/my/orders/{order.pk}/dispute/",
        {
            "action": "open",
            "reason": "not_received",
            "refund_amount": "100",
            "statement": "Nothing came.",
        },
    )
    assert response.status_code == 302
    dispute = Dispute.objects.get()
    supplier_page = sc.get(f"/my/orders/{order.pk}/").content.decode()
    assert "Supplier responds by" in supplier_page
    assert 'value="respond"' in supplier_page
    sc.post(
        f"/my/orders/{order.pk}/dispute/",
        {"action": "settle", "refund_amount": "60", "idempotency_key": "k-s-1"},
    )
    bc.post(
        f"/my/orders/{order.pk}/dispute/",
        {"action": "settle", "refund_amount": "60", "idempotency_key": "k-b-1"},
    )
    dispute.refresh_from_db()
    assert dispute.status == "settled"
    assert str(dispute.refund_amount) == "60.0000"
    assert ledger_check()["balanced"] is True
    final = bc.get(f"/my/orders/{order.pk}/").content.decode()
    assert "Refunded" in final
    assert "Dispute opened" in final
    assert "Dispute settled" in final


def test_escalating_too_early_shows_the_message():
    buyer, supplier, listing = make_parties()
    order = shipped_order_due(buyer, supplier, listing)
    bc = browser(buyer)
    bc.post(
        f"/my/orders/{order.pk}/dispute/",
        {"action": "open", "reason": "quality", "refund_amount": "10", "statement": "Bad."},
    )
    page = bc.post(f"/my/orders/{order.pk}/dispute/", {"action": "escalate"}, follow=True)
    assert "You may escalate from" in page.content.decode()
    assert Dispute.objects.get().status == "open"


def test_the_feedback_form_after_completion_and_the_rating_on_the_storefront():
    buyer, supplier, listing = make_parties()
    order = order_at("shipped", buyer, supplier, listing)
    bc = browser(buyer)
    assert "Give feedback" not in bc.get(f"/my/orders/{order.pk}/").content.decode()
    order_confirm_receipt(order=order, member=buyer, by=buyer.user)
    assert "Give feedback" in bc.get(f"/my/orders/{order.pk}/").content.decode()
    bc.post(f"/my/orders/{order.pk}/feedback/", {"rating": "4", "comment": "Fine."})
    assert Feedback.objects.get().rating == 4
    assert "Update feedback" in bc.get(f"/my/orders/{order.pk}/").content.decode()
    store_page = Client().get(f"/suppliers/{supplier.member_id}/")
    assert store_page.status_code == 200
    store = store_page.content.decode()
    assert "Rated 4.0 / 5 (1 review)" in store
    card = Client().get(f"/listings/{listing.pk}/").content.decode()
    assert "Rated 4.0 / 5 (1 review)" in card


def test_the_console_lists_disputes_and_decides_through_the_service():
    buyer, supplier, listing = make_parties()
    order = shipped_order_due(buyer, supplier, listing)
    bc = browser(buyer)
    bc.post(
        f"/my/orders/{order.pk}/dispute/",
        {
            "action": "open",
            "reason": "not_as_described",
            "refund_amount": "100",
            "statement": "Wrong item.",
        },
    )
    dispute = Dispute.objects.get()
    age_dispute(dispute.pk, 7.1)
    agent = browser(staff_create(username="ts", role="Trust & safety agent"))
    listing_page = agent.get("/console/trade/dispute/")
    assert listing_page.status_code == 200
    decide_url = f"/console/trade/dispute/{dispute.pk}/decide/"
    form = agent.get(decide_url)
    assert form.status_code == 200
    assert "decide by" in form.content.decode()
    assert agent.get("/console/trade/dispute/").content.decode().count("Decide…") == 1
    done = agent.post(decide_url, {"refund_amount": "100", "reason": "Photos show it."})
    assert done.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "decided"
    assert Complaint.objects.get().ground == "6.3 a"
    support = browser(staff_create(username="sa", role="Support agent"))
    assert support.get(decide_url).status_code == 403


def test_the_console_voids_feedback_with_a_reason():
    buyer, supplier, listing = make_parties()
    order = order_at("shipped", buyer, supplier, listing)
    order_confirm_receipt(order=order, member=buyer, by=buyer.user)
    browser(buyer).post(f"/my/orders/{order.pk}/feedback/", {"rating": "1", "comment": "Spam"})
    feedback = Feedback.objects.get()
    agent = browser(staff_create(username="ts", role="Trust & safety agent"))
    assert "Void…" in agent.get("/console/trade/feedback/").content.decode()
    url = f"/console/trade/feedback/{feedback.pk}/void/"
    assert agent.post(url, {"reason": ""}).status_code == 200
    assert agent.post(url, {"reason": "Spam."}).status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == "voided"
    assert AuditEntry.objects.filter(action="feedback.void").count() == 1
