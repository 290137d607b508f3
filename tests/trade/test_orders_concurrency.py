"""Issue 11 under concurrency: N threads pay one order, or confirm its receipt, at once; on
SQLite (a database file, IMMEDIATE transactions) and PostgreSQL (row locks) exactly one
succeeds, the rest get a clear conflict or the idempotent replay."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from tests.trade.orders_helpers import client_for, make_parties, new_key, order_at, pay
from tradepost.trade.models.ledger import LedgerTransaction
from tradepost.trade.selectors.ledger import ledger_check

N = 6


@pytest.fixture
def threads_ok(bundled_terms):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads need a database file on SQLite (run tests/trade on its own)")


def race(n, call):
    barrier = threading.Barrier(n)
    results: list[tuple[int, str]] = []

    def worker(i):
        try:
            barrier.wait(timeout=20)
            response = call(i)
            body = response.json()
            code = body["error"]["code"] if response.status_code != 200 else ""
            results.append((response.status_code, code))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return Counter(results)


@pytest.mark.django_db(transaction=True)
def test_n_parallel_payments_with_different_keys_pay_once(threads_ok):
    buyer, supplier, listing = make_parties()
    order = order_at("accepted", buyer, supplier, listing)
    clients = [client_for(buyer) for _ in range(N)]

    outcome = race(N, lambda i: pay(clients[i], order.pk, key=new_key()))

    assert outcome == Counter({(200, ""): 1, (409, "order_invalid_transition"): N - 1})
    assert LedgerTransaction.objects.filter(kind="payment").count() == 1
    assert ledger_check()["balanced"] is True


@pytest.mark.django_db(transaction=True)
def test_n_parallel_retries_under_one_key_pay_once(threads_ok):
    buyer, supplier, listing = make_parties()
    order = order_at("accepted", buyer, supplier, listing)
    clients = [client_for(buyer) for _ in range(N)]
    key = new_key()

    outcome = race(N, lambda i: pay(clients[i], order.pk, key=key))

    assert outcome[(200, "")] >= 1
    assert set(outcome) <= {(200, ""), (409, "idempotency_key_in_progress")}
    assert LedgerTransaction.objects.filter(kind="payment").count() == 1


@pytest.mark.django_db(transaction=True)
def test_n_parallel_receipt_confirmations_release_once(threads_ok):
    buyer, supplier, listing = make_parties()
    order = order_at("shipped", buyer, supplier, listing)
    clients = [client_for(buyer) for _ in range(N)]

    outcome = race(N, lambda i: clients[i].post(f"/orders/{order.pk}/confirm-receipt"))

    assert outcome == Counter({(200, ""): 1, (409, "order_invalid_transition"): N - 1})
    assert LedgerTransaction.objects.filter(kind="release").count() == 1
    assert LedgerTransaction.objects.filter(kind="fee").count() == 1
    assert ledger_check()["balanced"] is True
