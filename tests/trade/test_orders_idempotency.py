"""Idempotency-Key on money-moving order endpoints (IETF draft semantics, issue 11): missing,
reused with another body, in progress, replayed, scoped to the user; expiry and takeover."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import member_create
from tests.trade.orders_helpers import client_for, make_parties, new_key, order_at, pay
from tradepost.trade.models.idempotency import IdempotencyKey
from tradepost.trade.models.ledger import LedgerTransaction
from tradepost.trade.services.idempotency import (
    idempotency_keys_purge,
    request_fingerprint,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(db):
    buyer, supplier, listing = make_parties()
    order = order_at("accepted", buyer, supplier, listing)
    return buyer, order, client_for(buyer)


def test_pay_without_a_key_is_400_and_moves_nothing(accepted):
    _, order, bc = accepted
    response = pay(bc, order.pk, key=None)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"
    order.refresh_from_db()
    assert order.status == "accepted"


def test_the_same_key_with_another_body_is_422(accepted):
    _, order, bc = accepted
    key = new_key()
    assert pay(bc, order.pk, key=key, method="test_card").status_code == 200
    response = pay(bc, order.pk, key=key, method="test_transfer")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"


def test_a_retry_while_the_first_runs_is_409(accepted):
    buyer, order, bc = accepted
    key = new_key()
    path = f"/api/v1/orders/{order.pk}/pay"
    now = timezone.now()
    IdempotencyKey.objects.create(
        user=buyer.user,
        key=key,
        fingerprint=request_fingerprint(
            method="POST", path=path, body=json.dumps({"method": "test_card"}).encode()
        ),
        method="POST",
        path=path,
        locked_until=now + timedelta(seconds=60),
        expires_at=now + timedelta(hours=24),
    )
    response = pay(bc, order.pk, key=key)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_in_progress"
    order.refresh_from_db()
    assert order.status == "accepted"


def test_a_claim_past_its_lease_is_taken_over(accepted):
    buyer, order, bc = accepted
    key = new_key()
    path = f"/api/v1/orders/{order.pk}/pay"
    now = timezone.now()
    IdempotencyKey.objects.create(
        user=buyer.user,
        key=key,
        fingerprint=request_fingerprint(
            method="POST", path=path, body=json.dumps({"method": "test_card"}).encode()
        ),
        method="POST",
        path=path,
        locked_until=now - timedelta(seconds=1),
        expires_at=now + timedelta(hours=24),
    )
    assert pay(bc, order.pk, key=key).status_code == 200


def test_a_finished_request_is_replayed_with_its_status_and_body(accepted):
    _, order, bc = accepted
    key = new_key()
    first = pay(bc, order.pk, key=key)
    again = pay(bc, order.pk, key=key)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert LedgerTransaction.objects.filter(dedupe_key=f"order:{order.pk}:payment").count() == 1
    row = IdempotencyKey.objects.get(key=key)
    assert row.expires_at - row.created_at >= timedelta(hours=24)


def test_a_refused_first_request_is_replayed_too(accepted):
    _, order, bc = accepted
    key = new_key()
    assert pay(bc, order.pk, key=key).status_code == 200
    other = new_key()
    refused = pay(bc, order.pk, key=other)
    assert refused.status_code == 409
    replay = pay(bc, order.pk, key=other)
    assert (replay.status_code, replay.json(), replay["Idempotent-Replayed"]) == (
        409,
        refused.json(),
        "true",
    )


def test_keys_are_scoped_to_the_user(accepted):
    _, order, bc = accepted
    key = new_key()
    assert pay(bc, order.pk, key=key).status_code == 200
    other_buyer = member_create()
    other_order = order_at("accepted", other_buyer, order.supplier, order.listing)
    response = pay(client_for(other_buyer), other_order.pk, key=key)
    assert response.status_code == 200
    assert "Idempotent-Replayed" not in response
    assert response.json()["id"] == other_order.pk
    assert IdempotencyKey.objects.filter(key=key).count() == 2


def test_expired_keys_are_purged_and_a_new_request_may_use_the_key(accepted):
    _, order, bc = accepted
    key = new_key()
    pay(bc, order.pk, key=key)
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert idempotency_keys_purge() == 1
    assert IdempotencyKey.objects.count() == 0


def test_cancel_honours_a_key_when_sent(db):
    buyer, supplier, listing = make_parties()
    order = order_at("paid", buyer, supplier, listing)
    bc = client_for(buyer)
    key = new_key()
    first = bc.post(f"/orders/{order.pk}/cancel", HTTP_IDEMPOTENCY_KEY=key)
    again = bc.post(f"/orders/{order.pk}/cancel", HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (
        200,
        200,
        "true",
    )
    assert LedgerTransaction.objects.filter(kind="refund").count() == 1
