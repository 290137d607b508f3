"""Order pages (issue 11): the call to action on the listing page with the typed quantity,
the order form, the member's orders, an order's page with its next steps and the SIMULATED
payment, and the console's read-only order with its ledger entries."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import member_create, staff_create
from tests.trade.orders_helpers import make_parties, order_at
from tradepost.trade.models.ledger import LedgerTransaction
from tradepost.trade.models.orders import Order

pytestmark = pytest.mark.django_db


def browser(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def test_the_listing_page_offers_to_order_the_typed_quantity():
    buyer, _, listing = make_parties()
    page = browser(buyer).get(f"/listings/{listing.pk}/?qty=250")
    html = page.content.decode()
    assert f'href="/listings/{listing.pk}/order/?qty=250"' in html
    assert "Order 250" in html


def test_the_order_form_places_an_order_with_the_buyers_terms():
    buyer, _, listing = make_parties()
    client = browser(buyer)
    form = client.get(f"/listings/{listing.pk}/order/?qty=250")
    assert 'value="250"' in form.content.decode()
    response = client.post(
        f"/listings/{listing.pk}/order/", {"quantity": "250", "terms": "  Net 30.\nFOB  "}
    )
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/my/orders/{order.pk}/"
    assert (order.status, order.buyer_terms, str(order.total)) == (
        "placed",
        "  Net 30.\nFOB  ",
        "3125.0000",
    )


def test_below_the_moq_the_form_says_so():
    buyer, _, listing = make_parties()
    response = browser(buyer).post(f"/listings/{listing.pk}/order/", {"quantity": "5"})
    assert response.status_code == 422
    assert "minimum order quantity is 100" in response.content.decode()
    assert Order.objects.count() == 0


def test_the_order_page_walks_through_every_step_with_the_simulated_provider():
    buyer, supplier, listing = make_parties()
    order = order_at("placed", buyer, supplier, listing)
    bc, sc = browser(buyer), browser(supplier)
    url = f"/my/orders/{order.pk}/"

    assert "Accept order" in sc.get(url).content.decode()
    assert sc.post(url, {"action": "accept"}).status_code == 302
    page = bc.get(url).content.decode()
    assert "SIMULATED payment" in page and "(simulated)" in page
    key = page.split('name="idempotency_key" value="')[1].split('"')[0]
    for _ in range(2):  # a double submit of the same form pays once
        assert (
            bc.post(url, {"action": "pay", "method": "test_card", "idempotency_key": key})[
                "Location"
            ]
            == url
        )
    assert LedgerTransaction.objects.filter(kind="payment").count() == 1
    assert sc.post(url, {"action": "ship", "carrier": "DHL", "tracking": "X1"}).status_code == 302
    assert bc.post(url, {"action": "confirm_receipt"}).status_code == 302
    order.refresh_from_db()
    assert order.status == "completed"
    page = bc.get(url).content.decode()
    assert "Timeline" in page and "Released to the supplier" in page


def test_a_refused_step_shows_a_message_not_an_error_page():
    buyer, supplier, listing = make_parties()
    order = order_at("placed", buyer, supplier, listing)
    response = browser(buyer).post(f"/my/orders/{order.pk}/", {"action": "ship"})
    assert response.status_code in (409, 422)


def test_my_orders_lists_buying_and_selling():
    buyer, supplier, listing = make_parties()
    order = order_at("placed", buyer, supplier, listing)
    buying = browser(buyer).get("/my/orders/?role=buyer").content.decode()
    assert f"/my/orders/{order.pk}/" in buying
    selling = browser(supplier).get("/my/orders/?role=supplier").content.decode()
    assert f"/my/orders/{order.pk}/" in selling
    assert (
        f"/my/orders/{order.pk}/"
        not in browser(supplier).get("/my/orders/?role=buyer").content.decode()
    )


def test_a_stranger_gets_404_on_an_order_page():
    buyer, supplier, listing = make_parties()
    order = order_at("placed", buyer, supplier, listing)
    assert browser(member_create()).get(f"/my/orders/{order.pk}/").status_code == 404


def test_the_console_shows_an_order_read_only_with_its_ledger_entries():
    buyer, supplier, listing = make_parties()
    order = order_at("paid", buyer, supplier, listing)
    staff = staff_create(username="support", role="Support agent")
    client = Client()
    client.force_login(staff)
    page = client.get(f"/console/trade/order/{order.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"escrow:-:{order.pk}:USD" in html and "1250" in html
    assert client.get("/console/trade/order/add/").status_code == 403
