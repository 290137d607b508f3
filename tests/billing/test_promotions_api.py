"""Clause 2.6: buying Top Ranking keywords and creating Sponsored campaigns over the API,
and search marking promoted hits."""

from decimal import Decimal

import pytest

from tests.billing.promotions_helpers import campaign, client_for, listing, supplier, top
from tests.factories import search_category
from tradepost.billing.models.promotions import SponsoredCampaign, TopRankingPurchase
from tradepost.catalog import search
from tradepost.trade.models.ledger import LedgerTransaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def kitchen(db):
    return search_category("p-kitchen")


def fee_transactions():
    return list(LedgerTransaction.objects.filter(kind="fee").values_list("reference", flat=True))


def test_buying_a_top_ranking_keyword_pays_and_posts_one_fee(kitchen):
    member = supplier()
    item = listing(member, kitchen)

    response = client_for(member).post(
        "/promotions/top-ranking", {"keyword": "  Steel FLANGE ", "listing_id": item.pk, "days": 3}
    )

    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("keyword", "listing_id", "days", "price", "currency")} == {
        "keyword": "steel flange",
        "listing_id": item.pk,
        "days": 3,
        "price": "15",
        "currency": "USD",
    }
    assert (body["status"], body["running"], body["payment_provider"]) == (
        "active",
        True,
        "SIMULATED",
    )
    purchase = TopRankingPurchase.objects.get()
    assert fee_transactions() == [f"top_ranking:{purchase.pk}"]
    entries = LedgerTransaction.objects.get(kind="fee").entries.order_by("amount")
    assert [(e.account.purpose, e.amount) for e in entries] == [
        ("buyer_funding", Decimal("-15")),
        ("platform_fees", Decimal("15")),
    ]


def test_a_full_keyword_answers_409_and_writes_nothing(kitchen):
    members = [supplier() for _ in range(4)]
    items = [listing(m, kitchen, title=f"Flange {n}") for n, m in enumerate(members)]
    for member, item in zip(members[:3], items[:3], strict=True):
        top(member, item)

    response = client_for(members[3]).post(
        "/promotions/top-ranking", {"keyword": "flange", "listing_id": items[3].pk, "days": 1}
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "top_ranking_full"
    assert response.json()["error"]["slots"] == 3
    assert TopRankingPurchase.objects.count() == 3
    assert len(fee_transactions()) == 3


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"keyword": "", "days": 1}, 422, "keyword"),
        ({"keyword": "flange", "days": 0}, 422, "days"),
        ({"keyword": "flange", "days": "x"}, 422, "days"),
        ({"keyword": "flange", "days": 1, "listing_id": "abc"}, 422, "listing_id"),
    ],
)
def test_top_ranking_input_errors_are_4xx_json(kitchen, body, status, field):
    member = supplier()
    item = listing(member, kitchen)
    body = {"listing_id": item.pk, **body}

    response = client_for(member).post("/promotions/top-ranking", body)

    assert response.status_code == status
    assert field in response.json()["error"]["fields"]
    assert TopRankingPurchase.objects.count() == 0


def test_only_the_members_own_published_listing_can_be_promoted(kitchen):
    member, other = supplier(), supplier()
    theirs = listing(other, kitchen)
    draft = listing(member, kitchen, title="Draft flange", status="draft")
    client = client_for(member)

    not_mine = client.post(
        "/promotions/top-ranking", {"keyword": "flange", "listing_id": theirs.pk, "days": 1}
    )
    unpublished = client.post(
        "/promotions/sponsored",
        {"listing_id": draft.pk, "keywords": ["x"], "bid": "1", "daily_budget": "5"}
        | {"currency": "USD"},
    )

    assert (not_mine.status_code, not_mine.json()["error"]["code"]) == (404, "not_found")
    assert (unpublished.status_code, unpublished.json()["error"]["code"]) == (
        422,
        "listing_not_published",
    )
    assert fee_transactions() == []


def test_creating_a_sponsored_campaign(kitchen):
    member = supplier()
    item = listing(member, kitchen)
    client = client_for(member)

    response = client.post(
        "/promotions/sponsored",
        {
            "listing_id": item.pk,
            "keywords": ["Flange", "flange", "pipe fittings"],
            "bid": "0.50",
            "daily_budget": "20",
            "currency": "usd",
        },
    )

    assert response.status_code == 201
    assert response.json() == {
        "id": SponsoredCampaign.objects.get().pk,
        "listing_id": item.pk,
        "keywords": ["flange", "pipe fittings"],
        "bid": "0.5",
        "daily_budget": "20",
        "currency": "USD",
        "status": "active",
        "spent_today": "0",
        "spent_total": "0",
    }
    listed = client.get("/promotions/sponsored").json()
    assert [c["id"] for c in listed["items"]] == [response.json()["id"]] and listed["count"] == 1
    assert fee_transactions() == []  # paid per click


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"bid": "0.05"}, "bid_too_low", "bid"),
        ({"bid": "0.123"}, "invalid_input", "bid"),
        ({"daily_budget": "0.20"}, "invalid_input", "daily_budget"),
        ({"currency": "XXX"}, "invalid_input", "currency"),
        ({"keywords": []}, "invalid_input", "keywords"),
        ({"keywords": "flange"}, "invalid_input", "keywords"),
        ({"bid": "lots"}, "invalid_input", "bid"),
    ],
)
def test_sponsored_validation_errors(kitchen, change, code, field):
    member = supplier()
    item = listing(member, kitchen)
    body = {"listing_id": item.pk, "keywords": ["flange"], "bid": "0.50", "daily_budget": "5"}
    body |= {"currency": "USD", **change}

    response = client_for(member).post("/promotions/sponsored", body)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert field in response.json()["error"]["fields"]
    assert SponsoredCampaign.objects.count() == 0


def test_the_member_lists_its_own_top_rankings_only(kitchen):
    member, other = supplier(), supplier()
    mine = top(member, listing(member, kitchen))
    top(other, listing(other, kitchen, title="Other flange"))

    response = client_for(member).get("/promotions/top-ranking")

    assert [p["id"] for p in response.json()["items"]] == [mine.pk]


# --- Search -------------------------------------------------------------------------------


def run(**params):
    return search.search(search.parse_search_params(params))


def test_search_puts_top_ranking_then_ads_first_marked_promoted(kitchen, api):
    organic = supplier()
    for n in range(3):
        listing(organic, kitchen, title=f"Organic flange {n}")
    top_member, ad_member = supplier(), supplier("5.0")
    top_item = listing(top_member, kitchen, title="Gasket set")  # not matching "flange"
    ad_item = listing(ad_member, kitchen, title="Flange bolts")
    top(top_member, top_item)
    ad = campaign(ad_member, ad_item)

    result = run(q="flange")
    body = api.get("/listings", data={"q": "flange"}).json()

    assert [(h.title, h.promoted, h.promotion) for h in result.results[:2]] == [
        ("Gasket set", True, "top_ranking"),
        ("Flange bolts", True, "sponsored"),
    ]
    assert result.results[1].click_url.startswith(f"/promotions/click/{ad.pk}/")
    assert result.results[0].click_url == ""
    assert [h.title for h in result.results].count("Flange bolts") == 1
    assert [(r["title"], r["promoted"]) for r in body["results"]] == [
        ("Gasket set", True),
        ("Flange bolts", True),
        ("Organic flange 2", False),
        ("Organic flange 1", False),
        ("Organic flange 0", False),
    ]


def test_search_without_matching_promotions_marks_nothing(kitchen, api):
    member = supplier()
    listing(member, kitchen, title="Flange")
    top(member, listing(member, kitchen, title="Valve"), keyword="valve")

    body = api.get("/listings", data={"q": "flange"}).json()

    assert [(r["title"], r["promoted"]) for r in body["results"]] == [("Flange", False)]


def test_promoted_hits_show_only_on_the_first_page_and_keep_the_buyers_filters(kitchen):
    member = supplier()
    item = listing(member, kitchen, title="Gasket")
    top(member, item)

    assert [h.title for h in run(q="flange", country="DE").results] == []
    assert [h.title for h in run(q="flange", country="CN").results] == ["Gasket"]


def test_the_search_page_labels_promoted_hits_and_links_ads_through_the_click_url(kitchen, client):
    top_member, ad_member = supplier(), supplier()
    top(top_member, listing(top_member, kitchen, title="Gasket set"))
    ad = campaign(ad_member, listing(ad_member, kitchen, title="Flange bolts"))

    page = client.get("/search/", {"q": "flange"}).content.decode()

    assert page.count('<span class="badge badge-promoted">Promoted</span>') == 1
    assert page.count('<span class="badge badge-promoted">Ad</span>') == 1
    assert f'href="/promotions/click/{ad.pk}/' in page


@pytest.mark.parametrize("promoted", [False, True])
def test_promotions_cost_few_queries(kitchen, client, promoted, django_assert_max_num_queries):
    members = [supplier() for _ in range(3)]
    for n in range(25):
        listing(members[n % 3], kitchen, title=f"Pot {n}")
    if promoted:
        top(members[0], listing(members[0], kitchen, title="Lid"), keyword="pot")
        campaign(members[1], listing(members[1], kitchen, title="Pan"), keywords=["pot"])

    with django_assert_max_num_queries(12 if not promoted else 16):
        response = client.get("/search/", {"q": "pot"})

    assert response.status_code == 200


@pytest.fixture
def bid_allocation(monkeypatch):
    from tradepost.billing.selectors import promotions as selectors_module
    from tradepost.billing.services import promotions as services_module
    from tradepost.policy.promotions import load_promotions_policy

    policy = load_promotions_policy()
    top_ranking = policy.top_ranking.model_copy(update={"allocation": "bid"})
    by_bid = policy.model_copy(update={"top_ranking": top_ranking})
    monkeypatch.setattr(services_module, "_policy", lambda: by_bid)
    monkeypatch.setattr(selectors_module, "load_promotions_policy", lambda: by_bid)


def test_with_bid_allocation_the_highest_bid_per_day_takes_the_first_slot(kitchen, bid_allocation):
    low, high = supplier(), supplier()
    low_item = listing(low, kitchen, title="Low flange")
    high_item = listing(high, kitchen, title="High flange")
    client_for(low).post(
        "/promotions/top-ranking", {"keyword": "gasket", "listing_id": low_item.pk, "days": 1}
    )
    response = client_for(high).post(
        "/promotions/top-ranking",
        {"keyword": "gasket", "listing_id": high_item.pk, "days": 2, "bid": "8.00"},
    )
    too_low = client_for(high).post(
        "/promotions/top-ranking",
        {"keyword": "valve", "listing_id": high_item.pk, "days": 1, "bid": "4.99"},
    )

    assert (response.status_code, response.json()["price"]) == (201, "16")
    assert (too_low.status_code, too_low.json()["error"]["code"]) == (422, "bid_too_low")
    assert [(h.title, h.promotion) for h in run(q="gasket").results] == [
        ("High flange", "top_ranking"),
        ("Low flange", "top_ranking"),
    ]
