"""Clause 2.6: Sponsored clicks billed at the auction price once per client per ad per
window, bursts not billed, the daily budget never overspent (also under concurrent
clicks), and enforcement stopping promotions at once without charge."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from tests.billing.promotions_helpers import campaign, listing, supplier, top
from tests.factories import search_category, staff_create
from tradepost.billing.models.promotions import AdClick, SponsoredCampaign, TopRankingPurchase
from tradepost.billing.services import promotions as services
from tradepost.catalog import search
from tradepost.trade.models.ledger import LedgerTransaction
from tradepost.trade.selectors.ledger import ledger_check


@pytest.fixture
def ad(db):
    member = supplier()
    item = listing(member, search_category("c-kitchen"), title="Flange bolts")
    return campaign(member, item, bid="1.00", budget="2.00")


def click(campaign_, *, price="0.40", client_key="client-1", device="device-1", now=None):
    token = services.click_token(campaign_id=campaign_.pk, price=Decimal(price))
    return services.ad_click_record(
        campaign_id=campaign_.pk, token=token, client_key=client_key, device=device, now=now
    )[0]


def fees() -> list[Decimal]:
    return [
        t.entries.get(account__purpose="platform_fees").amount
        for t in LedgerTransaction.objects.filter(kind="fee").order_by("pk")
    ]


def test_a_click_is_billed_at_the_auction_price_and_redirects(ad, client):
    token = services.click_token(campaign_id=ad.pk, price=Decimal("0.40"))

    response = client.get(f"/promotions/click/{ad.pk}/{token}/", REMOTE_ADDR="198.51.100.7")

    assert response.status_code == 302
    assert response["Location"] == f"/listings/{ad.listing_id}/"
    assert "tp_device" in response.cookies
    recorded = AdClick.objects.get()
    assert (recorded.billed, recorded.amount, recorded.outcome) == (True, Decimal("0.40"), "billed")
    assert fees() == [Decimal("0.40")]
    ad.refresh_from_db()
    assert (ad.spent_today, ad.spent_total) == (Decimal("0.40"), Decimal("0.40"))


def test_an_altered_or_foreign_link_redirects_without_billing(ad, client):
    other = services.click_token(campaign_id=ad.pk + 1, price=Decimal("0.40"))

    tampered = client.get(f"/promotions/click/{ad.pk}/{other}/")
    garbage = client.get(f"/promotions/click/{ad.pk}/not-a-token/")
    unknown = client.get(f"/promotions/click/{ad.pk + 99}/not-a-token/")

    assert (tampered.status_code, garbage.status_code, unknown.status_code) == (302, 302, 404)
    assert list(AdClick.objects.values_list("outcome", flat=True)) == ["bad_link", "bad_link"]
    assert fees() == []


def test_the_price_is_capped_at_the_campaigns_bid(ad):
    assert click(ad, price="5.00").amount == Decimal("1.00")


def test_one_client_is_billed_once_per_ad_per_window(ad):
    now = timezone.now()
    first = click(ad, now=now)
    again = click(ad, now=now + timedelta(hours=1), device="device-2")
    other_client = click(ad, client_key="client-2", now=now + timedelta(hours=1))
    next_window = click(ad, now=now + timedelta(hours=25))

    assert [c.outcome for c in (first, again, other_client, next_window)] == [
        "billed",
        "repeat",
        "billed",
        "billed",
    ]
    assert len(fees()) == 3


@pytest.mark.parametrize(
    ("same", "within_limit"),
    [("client_key", ["billed"] + ["repeat"] * 4), ("device", ["billed"] * 5)],
)
def test_a_burst_from_one_client_or_device_is_recorded_but_not_billed(ad, same, within_limit):
    now = timezone.now()
    outcomes = []
    for n in range(7):
        keys = {"client_key": f"client-{n}", "device": f"device-{n}"}
        keys[same] = "same"
        outcomes.append(click(ad, price="0.10", now=now + timedelta(seconds=n), **keys).outcome)

    # five clicks within 60 s from one source are fine; the sixth and seventh are a burst
    assert outcomes == within_limit + ["burst"] * 2
    assert AdClick.objects.count() == 7
    assert len(fees()) == within_limit.count("billed")


def test_the_budget_is_never_overspent_and_the_spent_ad_stops_showing(ad, client):
    now = timezone.now()
    outcomes = [
        click(ad, client_key=f"c{n}", device=f"d{n}", now=now + timedelta(minutes=n)).outcome
        for n in range(7)
    ]

    assert outcomes == ["billed"] * 5 + ["budget"] * 2
    assert fees() == [Decimal("0.40")] * 5
    ad.refresh_from_db()
    assert ad.spent_today == ad.daily_budget == Decimal("2.00")
    hits = search.search(search.parse_search_params({"q": "flange"})).results
    assert [(h.title, h.promoted) for h in hits] == [("Flange bolts", False)]
    # still redirected
    token = services.click_token(campaign_id=ad.pk, price=Decimal("0.40"))
    assert client.get(f"/promotions/click/{ad.pk}/{token}/").status_code == 302


def test_the_budget_is_partly_used_by_the_last_click(ad):
    now = timezone.now()
    amounts = [
        click(ad, price="0.75", client_key=f"c{n}", now=now + timedelta(minutes=n)).amount
        for n in range(4)
    ]

    assert amounts == [Decimal("0.75"), Decimal("0.75"), Decimal("0.50"), Decimal(0)]


def test_the_budget_starts_again_the_next_day(ad):
    now = timezone.now()
    for n in range(5):
        click(ad, client_key=f"c{n}", now=now + timedelta(minutes=n))

    tomorrow = click(ad, client_key="c9", now=now + timedelta(days=1))

    assert tomorrow.outcome == "billed"
    ad.refresh_from_db()
    assert (ad.spent_today, ad.spent_total) == (Decimal("0.40"), Decimal("2.40"))


@pytest.mark.django_db(transaction=True)
def test_concurrent_clicks_bill_exactly_up_to_the_budget(bundled_terms):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads need a database file on SQLite")
    member = supplier()
    item = listing(member, search_category("c-pans"), title="Flange bolts")
    ad = campaign(member, item, bid="1.00", budget="2.00")
    n = 8
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=20)
            click(ad, client_key=f"c{i}", device=f"d{i}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert AdClick.objects.count() == n
    assert AdClick.objects.filter(billed=True).count() == 5
    assert sum(fees()) == Decimal("2.00")
    ad.refresh_from_db()
    assert ad.spent_today == Decimal("2.00")
    assert ledger_check()["balanced"] is True


# --- Enforcement --------------------------------------------------------------------------


def _restrict_promotions(member):
    from tradepost.trust.services.actions import action_take

    agent = staff_create(username="agent", role="Trust & safety agent")
    return action_take(
        member=member,
        kind="restrict_feature",
        clause="6.2 (iv)",
        reason="24 points.",
        by=agent,
        feature="promotions",
    )


def _suspend(member):
    from tradepost.trust.services.actions import action_take

    agent = staff_create(username="agent2", role="Trust & safety agent")
    return action_take(member=member, kind="suspend", clause="6.2 (i)", reason="x", by=agent)


@pytest.mark.django_db
@pytest.mark.parametrize("enforce", [_restrict_promotions, _suspend])
def test_enforcement_stops_promotions_at_once_without_charge(enforce):
    kitchen = search_category("e-kitchen")
    member, other = supplier(), supplier()
    listing(other, kitchen, title="Organic flange")
    bought = top(member, listing(member, kitchen, title="Gasket"))
    ad = campaign(member, listing(member, kitchen, title="Flange bolts"))
    fees_before = fees()

    enforce(member)
    hits = search.search(search.parse_search_params({"q": "flange"})).results
    late = click(ad)

    assert [h.promoted for h in hits] == [False] * len(hits)
    assert "Gasket" not in [h.title for h in hits]
    assert (late.billed, late.outcome) == (False, "stopped")
    assert fees() == fees_before
    bought.refresh_from_db()
    ad.refresh_from_db()
    assert (bought.status, ad.status) == ("stopped", "stopped")
    assert bought.stopped_at is not None and bought.stop_reason != ""


@pytest.mark.django_db
def test_a_restricted_member_cannot_buy_promotions():
    from tests.billing.promotions_helpers import client_for

    member = supplier()
    item = listing(member, search_category("e-pans"))
    _restrict_promotions(member)

    response = client_for(member).post(
        "/promotions/top-ranking", {"keyword": "flange", "listing_id": item.pk, "days": 1}
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "feature_restricted"
    assert TopRankingPurchase.objects.count() == SponsoredCampaign.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_buyers_of_the_last_top_slot_get_it_once(bundled_terms):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads need a database file on SQLite")
    from tests.billing.promotions_helpers import client_for

    kitchen = search_category("r-kitchen")
    for n in range(2):
        owner = supplier()
        top(owner, listing(owner, kitchen, title=f"Taken {n}"))
    n = 5
    buyers = [supplier() for _ in range(n)]
    items = [listing(b, kitchen, title=f"Flange {i}") for i, b in enumerate(buyers)]
    clients = [client_for(b) for b in buyers]
    barrier = threading.Barrier(n)
    codes: list[int] = []

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=20)
            body = {"keyword": "flange", "listing_id": items[i].pk, "days": 1}
            codes.append(clients[i].post("/promotions/top-ranking", body).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(codes) == [201] + [409] * (n - 1)
    assert TopRankingPurchase.objects.filter(keyword="flange").count() == 3
    assert LedgerTransaction.objects.filter(kind="fee").count() == 3


@pytest.mark.django_db
def test_the_sweep_records_the_stop_without_a_search():
    kitchen = search_category("s-kitchen")
    member, fine = supplier(), supplier()
    bought = top(member, listing(member, kitchen, title="Gasket"))
    kept = campaign(fine, listing(fine, kitchen, title="Flange"))
    _restrict_promotions(member)

    assert services.promotions_enforce_all() == 1
    assert services.promotions_enforce_all() == 0
    bought.refresh_from_db()
    kept.refresh_from_db()
    assert (bought.status, kept.status) == ("stopped", "active")
