"""Invoice numbering and subscribing under concurrency (issue 13): N members subscribe at
once and get N distinct numbers without gaps; one member's N parallel subscriptions to one
service make exactly one (SQLite: IMMEDIATE transactions; PostgreSQL: row locks)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from tests.billing.subscriptions_helpers import client_for, new_key, subscribe, supplier
from tradepost.billing.models import Invoice, Subscription
from tradepost.trade.selectors.ledger import ledger_check

N = 5


@pytest.fixture
def threads_ok(bundled_terms):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads need a database file on SQLite")


def race(n, call):
    barrier = threading.Barrier(n)
    results: list[tuple[int, str]] = []

    def worker(i):
        try:
            barrier.wait(timeout=20)
            response = call(i)
            body = response.json()
            code = body["error"]["code"] if response.status_code != 201 else ""
            results.append((response.status_code, code))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return Counter(results)


@pytest.mark.django_db(transaction=True)
def test_parallel_subscriptions_get_distinct_gapless_numbers(threads_ok):
    clients = [client_for(supplier()) for _ in range(N)]

    outcome = race(N, lambda i: subscribe(clients[i], "silver-usd-1m"))

    assert outcome == Counter({(201, ""): N})
    sequences = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, N + 1))
    assert ledger_check()["balanced"] is True


@pytest.mark.django_db(transaction=True)
def test_one_member_subscribing_in_parallel_subscribes_once(threads_ok):
    member = supplier()
    clients = [client_for(member) for _ in range(N)]

    outcome = race(N, lambda i: subscribe(clients[i], "gold-usd-12m", key=new_key()))

    assert outcome == Counter({(201, ""): 1, (409, "already_subscribed"): N - 1})
    assert Subscription.objects.count() == 1
    assert Invoice.objects.get().sequence == 1
