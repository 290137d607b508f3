"""The supplier storefront: logo and banner, profile, certifications (verified only when staff
verified them), listings as cards with a search inside the store, paginated, in a constant
number of queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import image_bytes, listing_create, member_create, pdf_bytes, staff_create
from tests.trade.orders_helpers import order_at
from tradepost.catalog import services
from tradepost.catalog.models import Certification
from tradepost.trade.services.feedback import feedback_give
from tradepost.trade.services.orders import order_confirm_receipt


def _jpeg(size=(800, 400)):
    return SimpleUploadedFile("x.jpg", image_bytes("JPEG", size), content_type="image/jpeg")


def _cert(supplier, name):
    upload = SimpleUploadedFile("c.pdf", pdf_bytes(), content_type="application/pdf")
    return services.certification_add(member=supplier, name=name, issuer="TÜV", upload=upload)


def test_the_storefront_shows_logo_banner_and_profile(client, supplier):
    services.supplier_profile_update(
        member=supplier,
        changes={"description": "We make flanges.", "main_products": ["Flanges", "Valves"]},
    )
    profile = services.supplier_images_update(
        member=supplier, logo=_jpeg((600, 600)), banner=_jpeg((2400, 600))
    )

    html = client.get(f"/suppliers/{supplier.member_id}/").content.decode()

    assert f'src="{profile.logo_thumb.url}"' in html
    assert f'src="{profile.banner_display.url}"' in html
    assert (profile.logo_thumb_width, profile.logo_thumb_height) == (256, 256)
    assert (profile.banner_display_width, profile.banner_display_height) == (1600, 400)
    assert profile.logo_thumb.url.startswith("/media/suppliers/")
    assert "We make flanges." in html
    assert "Flanges, Valves" in html
    assert client.get(profile.banner_display.url)["Cache-Control"] == (
        "public, max-age=31536000, immutable"
    )


def test_a_certification_is_marked_verified_only_when_staff_verified_it(client, supplier):
    _cert(supplier, "ISO 9001")
    checked = _cert(supplier, "ISO 14001")
    Certification.objects.filter(pk=checked.pk).update(
        verified_at=timezone.now(), verified_by=staff_create()
    )

    html = client.get(f"/suppliers/{supplier.member_id}/").content.decode()

    iso9001 = html[html.index("ISO 9001") : html.index("</li>", html.index("ISO 9001"))]
    iso14001 = html[html.index("ISO 14001") : html.index("</li>", html.index("ISO 14001"))]
    assert "Not verified" in iso9001
    assert "Verified by Tradepost" not in iso9001
    assert "Verified by Tradepost" in iso14001


def test_the_store_search_filters_the_suppliers_listings(client, supplier):
    listing_create(supplier, title="Stainless steel pipe flange DN50")
    listing_create(supplier, title="Brass gate valve DN25")

    html = client.get(f"/suppliers/{supplier.member_id}/", {"q": "valve"}).content.decode()

    assert "Brass gate valve DN25" in html
    assert "Stainless steel pipe flange DN50" not in html
    assert "1 product matches" in html


def test_the_storefront_is_paginated(client, supplier):
    for i in range(14):
        listing_create(supplier, title=f"Flange model {i:02d}")

    first = client.get(f"/suppliers/{supplier.member_id}/").content.decode()
    second = client.get(f"/suppliers/{supplier.member_id}/", {"page": 2}).content.decode()

    assert first.count('class="listing-card"') == 12
    assert second.count('class="listing-card"') == 2
    assert "Page 1 of 2" in first


@pytest.mark.parametrize("count", [3, 20])
def test_the_storefront_runs_a_constant_number_of_queries(
    client, supplier, django_assert_max_num_queries, count
):
    for i in range(count):
        listing = listing_create(supplier, title=f"Flange model {i:02d}")
        upload = SimpleUploadedFile("p.png", image_bytes("PNG"), content_type="image/png")
        services.listing_image_add(member=supplier, listing_id=listing.pk, upload=upload)
    _cert(supplier, "ISO 9001")

    # Three of them are trade's: the supplier's response rate, its feedback rating and the
    # recent feedback.
    # And one reads the open maintenance windows (cached; the cache starts empty in a test).
    with django_assert_max_num_queries(13):
        response = client.get(f"/suppliers/{supplier.member_id}/")

    assert response.status_code == 200


def test_the_supplier_uploads_logo_and_banner_from_the_profile_form(supplier_client, supplier):
    response = supplier_client.post(
        "/my/supplier-profile/",
        {"description": "Flanges.", "logo": _jpeg((500, 500)), "banner": _jpeg((1600, 400))},
    )

    profile = type(supplier).objects.get(pk=supplier.pk).supplier_profile
    assert response.status_code == 302
    assert profile.logo.name.startswith("suppliers/")
    assert profile.logo_thumb.name.endswith("-256.webp")
    assert profile.banner_display.name.endswith("-1600.webp")


def test_a_logo_that_is_not_an_image_is_refused_on_the_form(supplier_client, supplier):
    bad = SimpleUploadedFile("logo.jpg", b"not an image", content_type="image/jpeg")

    response = supplier_client.post("/my/supplier-profile/", {"logo": bad})

    assert response.status_code == 200
    assert response.context["form"].errors["logo"] == [
        "The file is not a readable JPEG, PNG or WebP image."
    ]


def test_the_storefront_lists_recent_counted_feedback_without_rater_names(client, supplier):
    buyer = member_create(country="US", company_name="Quiet Buyer Ltd", roles=["buyer"])
    order = order_at("shipped", buyer, supplier, listing_create(supplier))
    order = order_confirm_receipt(order=order, member=buyer, by=buyer.user)
    feedback_give(order=order, member=buyer, rating=4, comment="Solid flanges.", by=buyer.user)

    response = client.get(f"/suppliers/{supplier.member_id}/")

    page = response.content.decode()
    assert "Solid flanges." in page
    assert "4 / 5" in page
    assert "Quiet Buyer Ltd" not in page
