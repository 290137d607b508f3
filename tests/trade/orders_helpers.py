"""Shared set-up for the order tests: a buyer, a supplier with a published listing, clients."""

from __future__ import annotations

import itertools

from tests.conftest import ApiClient
from tests.factories import listing_create, member_create
from tradepost.members.services import api_token_create

_keys = itertools.count(1)


def client_for(member_or_user) -> ApiClient:
    user = getattr(member_or_user, "user", member_or_user)
    _, raw = api_token_create(user=user, name="test")
    return ApiClient(token=raw)


def new_key() -> str:
    return f"key-{next(_keys)}"


def make_parties():
    buyer = member_create(country="DE", roles=["buyer"])
    supplier = member_create(country="CN", roles=["supplier"])
    listing = listing_create(supplier)
    return buyer, supplier, listing


def pay(client: ApiClient, order_id: int, *, key: str | None = None, method: str = "test_card"):
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(f"/orders/{order_id}/pay", {"method": method}, **headers)


def order_at(status: str, buyer, supplier, listing, *, quantity: int = 100):
    """An order driven through the services to `status` (draft, placed, accepted, paid,
    shipped or delivered; delivered needs a release delay in the policy)."""
    from tradepost.trade.services import orders as services

    draft = status == "draft"
    order = services.order_place_from_listing(
        buyer=buyer, listing_id=listing.pk, quantity=quantity, by=buyer.user
    )
    if draft:
        from tradepost.trade.models.orders import Order, OrderEvent

        Order.objects.filter(pk=order.pk).update(status="draft", placed_at=None, pay_by=None)
        OrderEvent.objects.filter(order=order, action="place").delete()
        order.refresh_from_db()
        return order
    steps = ["placed", "accepted", "paid", "shipped", "delivered"]
    for step in steps[1 : steps.index(status) + 1]:
        if step == "accepted":
            services.order_accept(order=order, member=supplier, by=supplier.user)
        elif step == "paid":
            services.order_pay(order=order, member=buyer, method="test_card", by=buyer.user)
        elif step == "shipped":
            services.order_ship(
                order=order, member=supplier, carrier="DHL", tracking="JD01", by=supplier.user
            )
        elif step == "delivered":
            services.order_confirm_receipt(order=order, member=buyer, by=buyer.user)
    order.refresh_from_db()
    return order
