"""Journeys (issue 9): a supplier registers, posts a listing with three images and price
tiers and finds it in search with its thumbnail; a buyer searches with a quantity, filters
by country and verified suppliers, opens the listing and the storefront. Each on a desktop
and on a phone.

Selectors live in tests/e2e/ui.py.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import ui
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.site import VIEWPORTS, png_upload
from tests.factories import PASSWORD
from tradepost.catalog.models import Listing, ListingStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Forged carbon steel pipe flange DN80"
TIERS = [(200, "8.40"), (1000, "7.90"), (5000, "7.20")]


def shot(page: Page, name: str, viewport: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / "journeys" / f"{name}-{viewport}.png"), full_page=True)


@pytest.fixture
def photos(tmp_path):
    paths = []
    for i, colour in enumerate([(30, 90, 160), (170, 60, 40), (40, 130, 70)]):
        path = tmp_path / f"flange-{i + 1}.png"
        path.write_bytes(png_upload(path.name, colour).read())
        paths.append(path)
    return paths


def supplier_posts_a_listing(page: Page, photos, viewport: str) -> Listing:
    # given: a business registers (buyer and supplier, the form's default)
    ui.register(
        page,
        company="Tianjin Forged Flange Co., Ltd.",
        email="sales@tianjin-flange.example.com",
        password=PASSWORD,
        country="CN",
    )

    # when: it posts a listing with three price tiers and three images
    ui.open_listing_editor(page)
    ui.fill_listing(
        page,
        title=TITLE,
        description="ASME B16.5 weld neck flange, carbon steel A105, class 150, for oil and gas.",
        category="pumps-valves",
        currency="USD",
        moq=200,
        unit="piece",
        tiers=TIERS,
    )
    in_form = ui.images_in_form(page)
    if in_form is not None:
        in_form.set_input_files([str(p) for p in photos])
    shot(page, "supplier-listing-form", viewport)
    ui.submit_listing(page)
    expect(page.get_by_role("status").first).to_be_visible()
    if in_form is None:
        ui.add_images_one_by_one(page, photos)
    shot(page, "supplier-listing-posted", viewport)

    # then: the listing is published with its tiers and three images
    listing = Listing.objects.get(title=TITLE)
    assert listing.status == ListingStatus.PUBLISHED
    assert [(t.min_qty, t.unit_price) for t in listing.price_tiers.order_by("min_qty")] == [
        (qty, Decimal(price)) for qty, price in TIERS
    ]
    assert listing.images.count() == 3
    return listing


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_supplier_registers_and_posts_a_listing_with_three_images_and_tiers(
    context_for, media, bundled_terms, photos, viewport
):
    page = context_for("anonymous", viewport).new_page()
    supplier_posts_a_listing(page, photos, viewport)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_supplier_finds_the_new_listing_in_search_with_its_thumbnail(
    context_for, media, bundled_terms, photos, viewport
):
    page = context_for("anonymous", viewport).new_page()
    supplier_posts_a_listing(page, photos, viewport)

    # when: the supplier searches for it
    ui.search_for(page, "carbon steel flange")

    # then: it is a result, with its first image as a loaded thumbnail
    expect(ui.result_link(page, TITLE)).to_be_visible()
    thumbnail = ui.result_thumbnail(page, TITLE)
    expect(thumbnail).to_be_visible()
    thumbnail.scroll_into_view_if_needed()
    loaded = "img => img.complete && img.naturalWidth > 0"
    page.wait_for_function(loaded, arg=thumbnail.element_handle())
    shot(page, "supplier-search-thumbnail", viewport)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_buyer_searches_with_a_quantity_filters_and_opens_the_listing_and_storefront(
    context_for, seeded, viewport
):
    # given: the buyer logs in on the login page
    page = context_for("anonymous", viewport).new_page()
    page.goto("/login/")
    page.get_by_label("Member ID or email").fill(seeded.buyer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/(account|my)/"))
    unverified = seeded.listings[1]  # the unverified DE supplier's

    # when: the buyer searches, then filters by a quantity, the country and verified
    ui.search_for(page, "steel flange")
    ui.filter_results(page, qty=600, country="CN", verified=True)
    shot(page, "buyer-search-filtered", viewport)

    # then: the verified Chinese supplier's listing shows, with the price at 600 pieces
    expect(page).to_have_url(re.compile(r"qty=600"))
    expect(page).to_have_url(re.compile(r"country=CN"))
    expect(page).to_have_url(re.compile(r"verified="))
    link = ui.result_link(page, seeded.listing.title)
    expect(link).to_be_visible()
    expect(ui.result_link(page, unverified.title)).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text(ui.price("11.00"))

    # when: the buyer opens the listing
    link.click()

    # then: the listing page, with its tiers and the supplier
    expect(page.get_by_role("heading", level=1)).to_have_text(seeded.listing.title)
    expect(page.get_by_role("main")).to_contain_text(ui.price("9.75"))
    shot(page, "buyer-listing", viewport)

    # when: the buyer opens the supplier's storefront
    ui.storefront_link(page, seeded.supplier.company_name).click()

    # then: the storefront, listing the supplier's products
    expect(page).to_have_url(re.compile(rf"/suppliers/{seeded.supplier.member_id}/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(seeded.supplier.company_name)
    expect(page.get_by_role("main").get_by_role("link", name=seeded.listing.title)).to_be_visible()
    shot(page, "buyer-storefront", viewport)
