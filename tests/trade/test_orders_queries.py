"""Query budgets of the order steps through the API (issue 11, `make bench-orders`): the
server's CPU per step follows the number of statements it runs, so each step is pinned.

Counted: the statements each request sends to the database, without transaction control
(BEGIN, COMMIT, SAVEPOINT, RELEASE), whose number depends on how the test wraps the request
in transactions rather than on the code. One order goes through first, with its commit
callbacks run, so the caches hold what a running server has seen (the buyer's funding
account); the second order is measured.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.trade.orders_helpers import client_for, make_parties, new_key, pay

pytestmark = pytest.mark.django_db

# The most statements each step may run: lower them as the steps get leaner, never raise
# them to hide a loop. floor: the bench's floor, an authenticated GET /members/me.
BUDGETS = {"floor": 2, "place": 10, "accept": 9, "pay": 16}
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def _statements(captured) -> list[str]:
    return [q["sql"] for q in captured if not q["sql"].lstrip().upper().startswith(CONTROL)]


def _flow(buyer_api, supplier_api, listing) -> dict[str, list[str]]:
    counts: dict[str, list[str]] = {}

    def step(name, call):
        with CaptureQueriesContext(connection) as captured:
            response = call()
        assert response.status_code in (200, 201), response.content
        counts[name] = _statements(captured.captured_queries)
        return response.json()

    step("floor", lambda: buyer_api.get("/members/me"))
    placed = step(
        "place",
        lambda: buyer_api.post(
            "/orders", {"listing_id": listing.pk, "quantity": 120, "terms": "FOB Shanghai."}
        ),
    )
    assert placed["status"] == "placed"
    accepted = step("accept", lambda: supplier_api.post(f"/orders/{placed['id']}/accept"))
    assert accepted["status"] == "accepted"
    paid = step("pay", lambda: pay(buyer_api, placed["id"], key=new_key()))
    assert paid["status"] == "paid"
    return counts


@pytest.fixture
def measured(django_capture_on_commit_callbacks):
    buyer, supplier, listing = make_parties()
    buyer_api, supplier_api = client_for(buyer), client_for(supplier)
    with django_capture_on_commit_callbacks(execute=True):
        _flow(buyer_api, supplier_api, listing)
    return _flow(buyer_api, supplier_api, listing)


@pytest.mark.parametrize("step", sorted(BUDGETS))
def test_each_order_step_stays_within_its_query_budget(measured, step):
    statements = measured[step]
    # PostgreSQL locks the ledger accounts a posting touches (SELECT ... FOR UPDATE); on
    # SQLite, BEGIN IMMEDIATE already holds the one write lock.
    locks = int(step == "pay" and connection.features.has_select_for_update)

    assert len(statements) <= BUDGETS[step] + locks, "\n".join(statements)


def test_pay_reads_no_ledger_account_a_committed_payment_already_opened(measured):
    """The buyer's funding account comes from the cache, the new escrow is inserted at once;
    only PostgreSQL's lock (FOR UPDATE) reads the accounts."""
    account_reads = [
        sql
        for sql in measured["pay"]
        if 'FROM "trade_ledgeraccount"' in sql and "FOR UPDATE" not in sql
    ]

    assert account_reads == []
