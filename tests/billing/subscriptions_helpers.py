"""Shared set-up for the subscription tests: suppliers in several regions, clients, a
declining provider."""

from __future__ import annotations

import itertools

from tests.conftest import ApiClient
from tests.factories import member_create
from tradepost.members.services import api_token_create
from tradepost.trade.payments.base import ProviderResult
from tradepost.trade.payments.simulated import SimulatedProvider

_keys = itertools.count(1)


def client_for(member_or_user) -> ApiClient:
    user = getattr(member_or_user, "user", member_or_user)
    _, raw = api_token_create(user=user, name="test")
    return ApiClient(token=raw)


def new_key() -> str:
    return f"sub-key-{next(_keys)}"


def supplier(country: str = "DE", **overrides):
    """DE: contracts with alibaba_sg (2.1 para 3 a), which adds GST 9%."""
    return member_create(country=country, roles=["supplier"], **overrides)


def subscribe(client: ApiClient, plan_id: str, *, key: str | None = None):
    return client.post(
        "/subscriptions", {"plan_id": plan_id}, HTTP_IDEMPOTENCY_KEY=key or new_key()
    )


class DecliningProvider(SimulatedProvider):
    """SIMULATED: every charge is declined."""

    def charge(self, *, amount, currency, method, reference):
        return ProviderResult(
            ok=False, failure_code="card_declined", message="Simulated decline.", scenario="t"
        )
