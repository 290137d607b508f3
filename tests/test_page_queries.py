"""No N+1 queries: each page runs as many queries for a large catalog as for a small one.

Each page is requested once to warm the caches, then measured, first on a small catalog
(2 listings from 2 suppliers, one image and two tiers each) and again after the catalog
grew (25 listings from 5 suppliers, three images and three tiers each). The large count
must not exceed the small one, and both stay under the page's bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.e2e.site import LOGIN_BACKEND, png_upload
from tests.factories import listing_create, member_create
from tradepost.catalog import services

pytestmark = pytest.mark.django_db

# Per page: the most queries it may run (today's counts plus a little room; lower as pages
# get leaner, never raise to hide a loop).
BOUNDS = {
    "home": 20,
    "search": 25,
    "search_qty": 25,
    "listing": 25,
    "storefront": 25,
    "my_listings": 25,
    "dashboard": 30,
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Catalog:
    suppliers: list
    listings: list

    def grow(self, *, suppliers: int, listings: int, images: int, tiers: int) -> None:
        while len(self.suppliers) < suppliers:
            self.suppliers.append(
                member_create(country=["CN", "DE", "HK", "GB", "US"][len(self.suppliers) % 5])
            )
        while len(self.listings) < listings:
            n = len(self.listings)
            owner = self.suppliers[n % len(self.suppliers)]
            self.listings.append(listing_with(owner, n, images=images, tiers=tiers))


def listing_with(owner, n: int, *, images: int, tiers: int):
    ladder = [{"min_qty": 100 * 5**i, "unit_price": f"{12 - i}.50"} for i in range(tiers)]
    listing = listing_create(
        owner,
        title=f"Stainless steel pipe flange DN{50 + n}",
        moq=100,
        price_tiers=ladder,
        ships_to=["DE", "US"],
    )
    for i in range(images):
        services.listing_image_add(
            member=owner,
            listing_id=listing.pk,
            upload=png_upload(f"p{i}.png", (40 * i % 255, 90, 160), size=(120, 100)),
        )
    return listing


def count_queries(client: Client, url: str) -> tuple[int, int]:
    client.get(url)  # warm the caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response.status_code, len(captured.captured_queries)


def urls(catalog: Catalog) -> dict[str, str]:
    supplier, listing = catalog.suppliers[0], catalog.listings[-1]
    return {
        "home": "/",
        "search": "/search/?q=flange",
        "search_qty": "/search/?q=flange&qty=600&sort=price",
        "listing": f"/listings/{listing.pk}/",
        "storefront": f"/suppliers/{supplier.member_id}/",
        "my_listings": "/my/listings/",
        "dashboard": "/my/",
    }


def measure(catalog: Catalog, page: str) -> tuple[int, int]:
    client = Client()
    client.force_login(catalog.suppliers[0].user, backend=LOGIN_BACKEND)
    return count_queries(client, urls(catalog)[page])


@pytest.mark.parametrize("page", list(BOUNDS))
def test_a_page_runs_as_many_queries_for_25_listings_as_for_2(page):
    # given: a small catalog
    catalog = Catalog(suppliers=[], listings=[])
    catalog.grow(suppliers=2, listings=2, images=1, tiers=2)
    status, small = measure(catalog, page)
    assert status == 200

    # when: the catalog grows to 25 listings from 5 suppliers, with more images and tiers
    catalog.grow(suppliers=5, listings=25, images=3, tiers=3)
    status, large = measure(catalog, page)

    # then: the same number of queries, under the page's bound
    assert status == 200
    assert large <= small, f"{page}: {small} queries for 2 listings, {large} for 25"
    assert large <= BOUNDS[page], f"{page}: {large} queries, bound {BOUNDS[page]}"
