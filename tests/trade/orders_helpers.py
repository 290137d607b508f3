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
