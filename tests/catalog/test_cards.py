"""Listing cards: the price range, the tier at a quantity, the thumbnail and the supplier."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from tests.factories import image_bytes, member_create, search_category, searchable_listing
from tradepost.catalog import search
from tradepost.catalog.cards import listing_cards, price_range_text, quantity_text
from tradepost.catalog.models import Listing, ListingImage, SupplierProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier():
    return member_create(country="CN", company_name="Ningbo Harbour Tools Co", roles=["supplier"])


@pytest.fixture
def category():
    return search_category("card-test-tools")


def _image(listing, *, position, width=200, height=150):
    image = ListingImage(
        listing=listing,
        content_type="image/png",
        size=10,
        width=width,
        height=height,
        position=position,
    )
    image.image.save(f"l{listing.pk}-{position}.png", ContentFile(image_bytes()), save=True)
    return image


@pytest.mark.parametrize(
    ("low", "high", "text"),
    [
        ("5.8", "6.2", "USD\xa05.80\u2009–\u20096.20"),
        ("6.2", "6.2", "USD\xa06.20"),
        ("0.0125", "1200", "USD\xa00.0125\u2009–\u20091,200.00"),
    ],
)
def test_price_range_uses_the_iso_code_and_the_currencys_decimals(low, high, text):
    assert price_range_text(Decimal(low), Decimal(high), "USD") == text


def test_price_range_of_a_currency_without_decimals():
    text = price_range_text(Decimal("1000"), Decimal("1500"), "JPY")

    assert text == "JPY\xa01,000\u2009–\u20091,500"


@pytest.mark.parametrize(
    ("n", "unit", "text"),
    [
        (300, "piece", "300 pieces"),
        (1, "piece", "1 piece"),
        (10000, "pieces", "10,000 pieces"),
        (2, "tonne", "2 tonnes"),
        (1500, "kg", "1,500 kg"),
    ],
)
def test_quantity_text_is_thousands_separated_with_the_unit(n, unit, text):
    assert quantity_text(n, unit) == text


def test_card_from_a_listing_row(supplier, category):
    SupplierProfile.objects.update_or_create(member=supplier, defaults={"verified": True})
    listing = searchable_listing(
        supplier, category, title="Claw hammer", tiers=[(300, "6.20"), (1000, "5.80")]
    )

    [card] = listing_cards([listing])

    assert card.url == f"/listings/{listing.pk}/"
    assert card.title == "Claw hammer"
    assert card.price_range == "USD\xa05.80\u2009–\u20096.20"
    assert card.moq_text == "300 pieces"
    assert card.supplier_name == "Ningbo Harbour Tools Co"
    assert card.supplier_url == f"/suppliers/{supplier.member_id}/"
    assert card.supplier_country == "CN"
    assert card.supplier_country_name == "China"
    assert card.supplier_verified is True
    assert card.thumbnail is None
    assert card.price_at_qty is None


@pytest.mark.parametrize(
    ("qty", "price", "tier", "text"),
    [
        (300, Decimal("6.20"), 300, "USD\xa06.20"),
        (999, Decimal("6.20"), 300, "USD\xa06.20"),
        (1000, Decimal("5.80"), 1000, "USD\xa05.80"),
        (50000, Decimal("5.80"), 1000, "USD\xa05.80"),
        (10, None, None, ""),
    ],
)
def test_card_shows_the_tier_at_the_searched_quantity(supplier, category, qty, price, tier, text):
    listing = searchable_listing(
        supplier, category, title="Claw hammer", tiers=[(300, "6.20"), (1000, "5.80")]
    )

    [card] = listing_cards([listing], qty=qty)

    assert card.price_at_qty == price
    assert card.qty_tier_min == tier
    assert card.price_at_qty_text == text


def test_card_from_a_search_hit_matches_the_card_from_the_row(supplier, category):
    listing = searchable_listing(
        supplier, category, title="Claw hammer", tiers=[(300, "6.20"), (1000, "5.80")]
    )
    result = search.search(search.parse_search_params({"q": "hammer", "qty": "1000"}))

    [from_hit] = listing_cards(result.results, qty=1000)
    [from_row] = listing_cards([Listing.objects.get(pk=listing.pk)], qty=1000)

    assert from_hit.category_name == "Card Test Tools"
    assert from_hit == type(from_hit)(**{**from_row.__dict__, "category_name": "Card Test Tools"})


def test_thumbnail_is_the_first_image_by_position(supplier, category):
    listing = searchable_listing(supplier, category, title="Claw hammer")
    _image(listing, position=2, width=640, height=480)
    first = _image(listing, position=0, width=800, height=600)
    _image(listing, position=1)

    [card] = listing_cards([listing])

    assert card.thumbnail is not None
    assert card.thumbnail.url == first.image.url
    assert (card.thumbnail.width, card.thumbnail.height) == (800, 600)


def test_cards_run_a_fixed_number_of_queries(supplier, category, django_assert_num_queries):
    for n in range(6):
        listing = searchable_listing(supplier, category, title=f"Hammer {n}")
        _image(listing, position=0)
        _image(listing, position=1)
    rows = list(Listing.objects.all())

    # first images, price tiers, suppliers, supplier profiles
    with django_assert_num_queries(4):
        cards = listing_cards(rows)

    assert len(cards) == 6
    assert all(card.thumbnail is not None for card in cards)


def test_card_partial_has_alt_size_lazy_and_a_text_verified_badge(supplier, category):
    from django.template.loader import render_to_string

    SupplierProfile.objects.update_or_create(member=supplier, defaults={"verified": True})
    listing = searchable_listing(supplier, category, title="Claw hammer")
    _image(listing, position=0, width=800, height=600)
    [card] = listing_cards([listing])

    html = render_to_string("catalog/_listing_card.html", {"card": card})

    assert '<article class="listing-card">' in html
    assert 'alt="Claw hammer" width="800" height="600" loading="lazy"' in html
    assert '<span class="badge badge-verified">Verified supplier</span>' in html


def test_card_partial_without_image_draws_a_placeholder(supplier, category):
    from django.template.loader import render_to_string

    listing = searchable_listing(supplier, category, title="Claw hammer")
    [card] = listing_cards([listing])

    html = render_to_string("catalog/_listing_card.html", {"card": card})

    assert "<img" not in html
    assert "listing-card-placeholder" in html
