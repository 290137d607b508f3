"""Clause 2.6: the member's promotions page, its forms, and the console's read-only lists."""

import pytest

from tests.billing.promotions_helpers import campaign, listing, supplier, top
from tests.factories import search_category, staff_create
from tradepost.billing.models.promotions import SponsoredCampaign, TopRankingPurchase

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client):
    member = supplier()
    item = listing(member, search_category("g-kitchen"), title="Flange bolts")
    client.force_login(member.user)
    return client, member, item


def test_the_page_lists_promotions_with_spend_and_labels_payments_simulated(member_client):
    client, member, item = member_client
    top(member, item, keyword="bolts")
    campaign(member, item, keywords=["flange"])

    page = client.get("/account/promotions/").content.decode()

    assert "SIMULATED payments" in page
    assert "<td>bolts</td>" in page
    assert "<td>flange</td>" in page


def test_buying_a_keyword_on_the_page(member_client):
    client, _member, item = member_client

    response = client.post(
        "/account/promotions/", {"tr-listing_id": item.pk, "tr-keyword": "Bolts", "tr-days": 2}
    )

    assert response.status_code == 302
    assert TopRankingPurchase.objects.get().keyword == "bolts"


def test_a_refused_campaign_shows_on_the_form_not_a_500(member_client):
    client, _member, item = member_client

    response = client.post(
        "/account/promotions/",
        {
            "sp-listing_id": item.pk,
            "sp-keywords": "flange",
            "sp-currency": "USD",
            "sp-bid": "0.01",
            "sp-daily_budget": "5",
        },
    )

    assert response.status_code == 422
    assert "Below the minimum bid." in response.content.decode()
    assert SponsoredCampaign.objects.count() == 0


def test_a_full_keyword_shows_on_the_form(member_client):
    client, _member, item = member_client
    for n in range(3):
        other = supplier()
        top(other, listing(other, search_category(f"g-{n}"), title=f"Bolt {n}"), keyword="bolts")

    response = client.post(
        "/account/promotions/", {"tr-listing_id": item.pk, "tr-keyword": "bolts", "tr-days": 2}
    )

    assert response.status_code == 422
    assert "Every top slot for this keyword is taken" in response.content.decode()


def test_the_console_lists_promotions_read_only(client):
    member = supplier()
    item = listing(member, search_category("g-pans"))
    top(member, item)
    campaign(member, item)
    staff = staff_create(username="boss", superuser=True)
    client.force_login(staff)

    tops = client.get("/console/billing/toprankingpurchase/")
    ads = client.get("/console/billing/sponsoredcampaign/")
    add = client.get("/console/billing/sponsoredcampaign/add/")

    assert (tops.status_code, ads.status_code, add.status_code) == (200, 200, 403)
    assert "flange" in tops.content.decode()


def test_without_a_published_listing_the_page_says_so_instead_of_empty_forms(client):
    member = supplier()
    client.force_login(member.user)

    page = client.get("/account/promotions/").content.decode()

    assert "You have no published listing to promote yet." in page
    assert "/my/listings/new/" in page
    assert 'name="tr-keyword"' not in page
