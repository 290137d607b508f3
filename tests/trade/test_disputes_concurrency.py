"""Disputes under concurrency (issue 11): N parallel acceptances of one settlement offer, or
N parallel staff decisions, refund once; the rest get a clear conflict."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import staff_create
from tests.trade.disputes_helpers import age_dispute
from tests.trade.orders_helpers import client_for, make_parties, new_key, order_at
from tests.trade.test_orders_concurrency import N, race, threads_ok  # noqa: F401
from tradepost.trade.models.ledger import LedgerTransaction
from tradepost.trade.models.orders import Order
from tradepost.trade.selectors.ledger import ledger_check
from tradepost.trade.services.disputes import dispute_open, dispute_settle


def _dispute(buyer, supplier, listing):
    order = order_at("shipped", buyer, supplier, listing)
    Order.objects.filter(pk=order.pk).update(deliver_by=(timezone.now() - timedelta(days=1)).date())
    order.refresh_from_db()
    return order, dispute_open(
        order=order,
        member=buyer,
        reason="not_received",
        refund_amount="100",
        statement="Nothing.",
        by=buyer.user,
    )


@pytest.mark.django_db(transaction=True)
def test_n_parallel_acceptances_settle_once(threads_ok):  # noqa: F811
    buyer, supplier, listing = make_parties()
    _order, dispute = _dispute(buyer, supplier, listing)
    dispute_settle(dispute=dispute, member=supplier, refund_amount="60", by=supplier.user)
    clients = [client_for(buyer) for _ in range(N)]

    outcome = race(
        N,
        lambda i: clients[i].post(
            f"/disputes/{dispute.pk}/settle",
            {"refund_amount": "60"},
            HTTP_IDEMPOTENCY_KEY=new_key(),
        ),
    )

    assert outcome == Counter({(200, ""): 1, (409, "dispute_invalid_transition"): N - 1})
    assert LedgerTransaction.objects.filter(kind="refund").count() == 1
    assert ledger_check()["balanced"] is True


@pytest.mark.django_db(transaction=True)
def test_n_parallel_staff_decisions_refund_once(threads_ok):  # noqa: F811
    buyer, supplier, listing = make_parties()
    order, dispute = _dispute(buyer, supplier, listing)
    age_dispute(dispute.pk, 7.1)
    agent = staff_create(username="ts", role="Trust & safety agent")
    clients = [client_for(agent) for _ in range(N)]

    outcome = race(
        N,
        lambda i: clients[i].post(
            f"/staff/disputes/{dispute.pk}/decide",
            {"refund_amount": str(order.total), "reason": "No proof of delivery."},
            HTTP_IDEMPOTENCY_KEY=new_key(),
        ),
    )

    assert outcome == Counter({(200, ""): 1, (409, "dispute_invalid_transition"): N - 1})
    assert LedgerTransaction.objects.filter(kind="refund").count() == 1
    assert ledger_check()["balanced"] is True
