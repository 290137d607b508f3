"""The Promotion Services demo: a search for the demo keyword shows both promotions."""

import pytest

from tests.factories import member_create, search_category, searchable_listing
from tradepost.billing import promotions_demo as demo
from tradepost.catalog import search

pytestmark = pytest.mark.django_db


def test_the_demo_promotes_two_listings_once():
    member = member_create(country="CN", roles=["supplier"], email=demo.DEMO_SUPPLIER)
    textiles = search_category("d-textiles")
    searchable_listing(member, textiles, title=demo.DEMO_TOP_TITLE)
    searchable_listing(member, textiles, title=demo.DEMO_AD_TITLE)

    assert demo.promotions_demo_load() == 2
    assert demo.promotions_demo_load() == 0
    hits = search.search(search.parse_search_params({"q": demo.DEMO_KEYWORD})).results

    assert [(h.title, h.promotion) for h in hits] == [
        (demo.DEMO_TOP_TITLE, "top_ranking"),
        (demo.DEMO_AD_TITLE, "sponsored"),
    ]
    assert demo.promotions_tour("http://x")[0].startswith("Promotions")
