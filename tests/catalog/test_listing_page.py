"""The public listing page: gallery with thumbnails, tier table, the price at a quantity, the
facts, breadcrumbs, the supplier card; the owner's edit link; keywords not shown; a constant
number of queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import image_bytes, listing_create, member_create
from tradepost.catalog import listing_page, services
from tradepost.catalog.models import ListingImage, PriceTier, SupplierProfile

LOGIN_BACKEND = "tradepost.members.backends.MemberLoginBackend"


def _add_image(supplier, listing, size=(1600, 1200)):
    upload = SimpleUploadedFile("p.jpg", image_bytes("JPEG", size), content_type="image/jpeg")
    return services.listing_image_add(member=supplier, listing_id=listing.pk, upload=upload)


def _tiers(n):
    return [{"min_qty": 300 + 700 * i, "unit_price": f"{6.20 - 0.3 * i:.2f}"} for i in range(n)]


def test_the_tier_table_reads_as_ranges_with_money_and_quantities(client, supplier):
    listing = listing_create(
        supplier,
        moq=300,
        price_tiers=[
            {"min_qty": 300, "unit_price": "6.20"},
            {"min_qty": 1000, "unit_price": "5.90"},
            {"min_qty": 10000, "unit_price": "5.10"},
        ],
    )

    html = client.get(f"/listings/{listing.pk}/").content.decode()

    assert "300\u2009–\u2009999 pieces" in html
    assert "1,000\u2009–\u20099,999 pieces" in html
    assert "≥ 10,000 pieces" in html
    assert "USD\xa06.20" in html
    assert "Minimum order: 300 pieces" in html


@pytest.mark.parametrize(
    ("qty", "expected"),
    [
        ("1200", "Price at 1,200 pieces: USD\xa05.90 per piece, total USD\xa07,080.00"),
        ("1,200", "Price at 1,200 pieces: USD\xa05.90 per piece, total USD\xa07,080.00"),
        ("300", "Price at 300 pieces: USD\xa06.20 per piece, total USD\xa01,860.00"),
        ("12", "The minimum order is 300 pieces: you asked for 12 pieces."),
        ("abc", "Enter a quantity as a whole number, e.g. 1200."),
    ],
)
def test_the_quantity_box_answers_the_price_at_that_quantity(client, supplier, qty, expected):
    listing = listing_create(
        supplier,
        moq=300,
        price_tiers=[
            {"min_qty": 300, "unit_price": "6.20"},
            {"min_qty": 1000, "unit_price": "5.90"},
        ],
    )

    page = client.get(f"/listings/{listing.pk}/", {"qty": qty})
    partial = client.get(f"/listings/{listing.pk}/", {"qty": qty}, HTTP_HX_REQUEST="true")

    assert expected in page.content.decode()
    assert expected in partial.content.decode()
    assert partial.content.decode().count("<h1") == 0
    assert "HX-Request" in partial["Vary"]


def test_price_at_below_the_first_tier_but_above_the_moq_says_where_prices_start():
    tiers = [PriceTier(min_qty=500, unit_price=1)]
    answer = listing_page.price_at(tiers, raw_qty="200", moq=100, unit="piece", currency="USD")
    assert answer is not None
    assert (answer.ok, answer.message) == (False, "Prices start at 500 pieces.")


def test_facts_breadcrumbs_and_supplier_card(client, supplier):
    listing = listing_create(
        supplier,
        lead_time_days=20,
        incoterm="FOB",
        port="Ningbo",
        sample_available=True,
        ships_to=["DE", "FR"],
        attributes=[{"key": "Material", "value": "Stainless steel 304"}],
    )
    SupplierProfile.objects.filter(member=supplier).update(verified=True)

    html = client.get(f"/listings/{listing.pk}/").content.decode()

    assert "20 days" in html
    assert "FOB Ningbo" in html
    assert "Germany, France" in html
    assert "Stainless steel 304" in html
    assert 'href="/search/?category=pumps-valves"' in html
    assert f'href="/suppliers/{supplier.member_id}/"' in html
    assert "China" in html
    assert "New on Tradepost this year" in html
    assert "Verified supplier" in html


def test_the_supplier_card_shows_no_badge_for_an_unverified_supplier(client, supplier):
    listing = listing_create(supplier)
    html = client.get(f"/listings/{listing.pk}/").content.decode()
    assert "Verified supplier" not in html


def test_years_on_the_platform_count_whole_years():
    since = timezone.now().replace(year=2020, month=6, day=15)
    assert listing_page.years_on_platform(since, today=since.date().replace(year=2023)) == 3
    assert listing_page.years_on_platform(since, today=since.date().replace(year=2023, day=14)) == 2
    assert listing_page.years_text(3) == "3 years on Tradepost"


def test_keywords_are_not_shown(client, supplier):
    listing = listing_create(supplier, keywords=["zebrawordkey"])
    html = client.get(f"/listings/{listing.pk}/").content.decode()
    assert "zebrawordkey" not in html
    assert "Keywords" not in html


def test_the_owner_sees_an_edit_link_and_others_do_not(client, supplier):
    listing = listing_create(supplier)
    other = member_create(email="other@buyer.example.com", country="DE", roles=["buyer"])
    edit = f'href="/my/listings/{listing.pk}/"'

    anonymous = client.get(f"/listings/{listing.pk}/").content.decode()
    client.force_login(other.user, backend=LOGIN_BACKEND)
    buyer = client.get(f"/listings/{listing.pk}/").content.decode()
    client.force_login(supplier.user, backend=LOGIN_BACKEND)
    owner = client.get(f"/listings/{listing.pk}/").content.decode()

    assert edit not in anonymous
    assert edit not in buyer
    assert edit in owner
    assert "Edit listing" in owner


def test_the_gallery_shows_the_display_copy_and_thumbnails_linking_to_each_image(client, supplier):
    listing = listing_create(supplier)
    first, second = _add_image(supplier, listing), _add_image(supplier, listing, (800, 800))

    html = client.get(f"/listings/{listing.pk}/").content.decode()

    assert f'src="{first.display.url}"' in html
    assert 'width="1000" height="750"' in html
    assert f'href="{second.image.url}"' in html  # works without JavaScript
    assert f'src="{second.thumbnail.url}"' in html
    assert 'loading="lazy"' in html
    assert "tradepost/js/listing.js" in html


@pytest.mark.parametrize(("images", "tiers"), [(1, 1), (6, 5)])
def test_the_listing_page_runs_a_constant_number_of_queries(
    client, supplier, django_assert_max_num_queries, images, tiers
):
    listing = listing_create(supplier, moq=300, price_tiers=_tiers(tiers))
    for _ in range(images):
        _add_image(supplier, listing, (200, 150))
    assert ListingImage.objects.filter(listing=listing).count() == images

    # 6, and 1 for the open maintenance windows (billing's banner and read-only check), read
    # once per process and cached (the cache starts empty in every test).
    with django_assert_max_num_queries(7):
        response = client.get(f"/listings/{listing.pk}/", {"qty": "1200"})

    assert response.status_code == 200
