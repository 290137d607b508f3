"""Concurrent accepts and quotations against a real database (PostgreSQL: SQLite serialises
every writer, so there the race cannot happen): two accepts on one RFQ, exactly one wins;
two quotations over a quota of one, exactly one is taken."""

import threading

import pytest
from django.db import close_old_connections, connection

from tests.trade.rfq_factories import buyer_create, quotation_payload, rfq_post, supplier_create
from tradepost.catalog.policy import MembershipTier, MembershipTiers
from tradepost.catalog.services.operator import categories_sync
from tradepost.errors import DomainError
from tradepost.trade.models.rfq import Quotation, QuotationStatus, Rfq, RfqStatus
from tradepost.trade.services import rfq as services

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
)


@pytest.fixture
def world(bundled_terms):
    categories_sync()
    buyer = buyer_create()
    return buyer, rfq_post(buyer)


def _race(*calls):
    """Run the calls at once in threads; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except DomainError as exc:
            results[i] = exc
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_concurrent_accepts_on_one_rfq_exactly_one_wins(world):
    buyer, rfq = world
    quotations = [
        services.quotation_submit(rfq=rfq, supplier=supplier_create(), data=quotation_payload())
        for _ in range(2)
    ]

    results = _race(
        *(lambda q=q: services.quotation_accept(quotation=q, actor=buyer) for q in quotations)
    )

    codes = sorted(r.code if isinstance(r, DomainError) else "won" for r in results)
    assert codes == ["rfq_not_open", "won"]
    assert Rfq.objects.get(pk=rfq.pk).status == RfqStatus.AWARDED
    statuses = sorted(Quotation.objects.values_list("status", flat=True))
    assert statuses == [QuotationStatus.ACCEPTED, QuotationStatus.NOT_CHOSEN]


def test_two_concurrent_quotations_over_a_quota_of_one_take_one(world, monkeypatch):
    buyer, first = world
    second = rfq_post(buyer, title="Second RFQ")
    supplier = supplier_create()
    tiers = MembershipTiers(
        default_tier="free",
        tiers={"free": MembershipTier(name="Free", listing_cap=5, quote_quota_month=1)},
    )
    monkeypatch.setattr(services, "load_membership_tiers", lambda: tiers)

    results = _race(
        *(
            lambda r=r: services.quotation_submit(
                rfq=r, supplier=supplier, data=quotation_payload()
            )
            for r in (first, second)
        )
    )

    codes = sorted(r.code if isinstance(r, DomainError) else "taken" for r in results)
    assert codes == ["quote_quota_exceeded", "taken"]
    assert Quotation.objects.filter(supplier=supplier).count() == 1
