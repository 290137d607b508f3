"""Catalog pages in the browser (test client): listing management, public pages."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import image_bytes, listing_create, member_create
from tradepost.catalog.models import Listing, ListingStatus
from tradepost.members.models import BusinessReferee, MemberStatus


def form(**overrides) -> dict:
    data = {
        "title": "Brass ball valve 1/2 inch",
        "description": "Full bore brass ball valve, PN25, lever handle.",
        "category": "pumps-valves",
        "currency": "USD",
        "moq": "200",
        "unit": "piece",
        "tier_qty_0": "200",
        "tier_price_0": "3.20",
        "tier_qty_1": "1000",
        "tier_price_1": "2.90",
        "keywords": "valve, brass",
        "attributes": "Material: brass\nPressure: PN25",
        "incoterm": "FOB",
        "port": "Ningbo",
        "lead_time_days": "20",
        "ships_to": ["DE", "FR"],
        "sample_available": "on",
        "publish": "1",
    }
    data.update(overrides)
    return data


def test_create_page_renders_with_the_category_tree(supplier_client):
    response = supplier_client.get("/my/listings/new/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="pumps-valves">Pumps &amp; Valves</option>' in html
    assert 'optgroup label="Industrial Machinery"' in html


def test_create_from_the_form_publishes_and_shows_the_result(supplier_client, supplier):
    response = supplier_client.post("/my/listings/new/", form(), follow=True)

    listing = Listing.objects.get(supplier=supplier)
    assert response.redirect_chain == [(f"/my/listings/{listing.pk}/", 302)]
    assert listing.status == ListingStatus.PUBLISHED
    assert listing.attributes == [
        {"key": "Material", "value": "brass"},
        {"key": "Pressure", "value": "PN25"},
    ]
    assert listing.ships_to == ["DE", "FR"]
    assert [(t.min_qty, str(t.unit_price)) for t in listing.price_tiers.all()] == [
        (200, "3.2000"),
        (1000, "2.9000"),
    ]
    assert "Your listing “Brass ball valve 1/2 inch” is published." in response.content.decode()


def test_refused_listing_page_shows_the_rule_and_the_matched_text(supplier_client, supplier):
    response = supplier_client.post(
        "/my/listings/new/",
        form(description="Full bore brass ball valve. Order at www.valves-direct.com today."),
        follow=True,
    )

    html = response.content.decode()
    assert Listing.objects.get(supplier=supplier).status == ListingStatus.REJECTED
    assert "<code>offsite.url</code>" in html
    assert "<mark>www.valves-direct.com</mark>" in html


def test_bad_input_is_shown_next_to_the_fields(supplier_client, supplier):
    response = supplier_client.post(
        "/my/listings/new/", form(currency="ZZZ", tier_qty_1="100", tier_price_1="9")
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["currency"] == ["Choose a currency from the list."]
    assert Listing.objects.filter(supplier=supplier).count() == 0


def test_service_errors_are_shown_next_to_the_fields_in_plain_words(supplier_client, supplier):
    response = supplier_client.post(
        "/my/listings/new/", form(tier_qty_1="100", tier_price_1="9", moq="")
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["tier_qty_0"] == [
        "Tiers must be in order of quantity, from smallest to largest, each larger than the "
        "one before."
    ]
    assert sorted(errors) == ["moq", "tier_qty_0"]
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert '<a href="#id_moq">Minimum order quantity: ' in html
    assert '<a href="#id_tier_qty_0">Price tier 1: from quantity: Tiers must be' in html
    assert "min_qty" not in html
    assert Listing.objects.filter(supplier=supplier).count() == 0


def test_a_title_with_a_bidi_override_is_refused_on_the_page(supplier_client, supplier):
    response = supplier_client.post("/my/listings/new/", form(title="Valve \u202egnp.exe"))

    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [
        "The text contains invisible or text-direction formatting characters (U+202E); "
        "names and titles must read as they are written."
    ]
    assert "names and titles must read as they are written" in response.content.decode()
    assert Listing.objects.filter(supplier=supplier).count() == 0


def test_save_as_draft_then_edit_and_submit(supplier_client, supplier):
    draft = dict(form(), draft="1")
    draft.pop("publish")
    supplier_client.post("/my/listings/new/", draft)
    listing = Listing.objects.get(supplier=supplier)
    assert listing.status == ListingStatus.DRAFT

    edited = dict(draft, title="Brass ball valve 3/4 inch")
    supplier_client.post(f"/my/listings/{listing.pk}/", edited)
    listing.refresh_from_db()
    assert (listing.title, listing.status) == ("Brass ball valve 3/4 inch", ListingStatus.DRAFT)

    supplier_client.post(f"/my/listings/{listing.pk}/submit/")
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PUBLISHED


def test_edit_page_of_someone_elses_listing_is_404(supplier_client):
    theirs = listing_create(member_create(country="DE", roles=["supplier"]))

    assert supplier_client.get(f"/my/listings/{theirs.pk}/").status_code == 404
    assert supplier_client.post(f"/my/listings/{theirs.pk}/delete/").status_code == 404


def test_my_listings_page_lists_them_with_the_cap(supplier_client, supplier):
    listing_create(supplier)

    response = supplier_client.get("/my/listings/")

    html = response.content.decode()
    assert "Stainless steel pipe flange DN50" in html
    assert "1 of 50 listings in use" in html


def test_policy_check_preview_saves_nothing(supplier_client, supplier):
    response = supplier_client.post(
        "/my/listings/screen/", form(title="Replica Rolex valve"), HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<code>counterfeit.replica</code>" in html
    assert Listing.objects.count() == 0


def test_image_upload_through_the_page(supplier_client, supplier):
    listing = listing_create(supplier)
    good = SimpleUploadedFile("valve.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    bad = SimpleUploadedFile("valve.jpg", b"not an image" * 20, content_type="image/jpeg")

    ok = supplier_client.post(f"/my/listings/{listing.pk}/images/", {"image": good})
    refused = supplier_client.post(f"/my/listings/{listing.pk}/images/", {"image": bad})

    assert ok.status_code == 302
    assert refused.status_code == 422
    assert refused.context["image_form"].errors == {
        "image": ["The file is not a readable JPEG, PNG or WebP image."]
    }
    assert [img.content_type for img in listing.images.all()] == ["image/jpeg"]


def test_public_listing_page_shows_published_listings_only(client, supplier):
    published = listing_create(supplier)
    draft = listing_create(supplier, publish=False)

    shown = client.get(f"/listings/{published.pk}/")
    hidden = client.get(f"/listings/{draft.pk}/")

    assert shown.status_code == 200
    assert "Stainless steel pipe flange DN50" in shown.content.decode()
    assert hidden.status_code == 404


def test_public_supplier_page_shows_only_consented_referees(client, supplier):
    listing_create(supplier)
    BusinessReferee.objects.create(member=supplier, name="Consenting Referee", consent_given=True)
    BusinessReferee.objects.create(member=supplier, name="Silent Referee", consent_given=False)

    response = client.get(f"/suppliers/{supplier.member_id}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Consenting Referee" in html
    assert "Silent Referee" not in html
    assert "Stainless steel pipe flange DN50" in html


def test_suspended_suppliers_pages_and_listings_are_hidden(client, supplier):
    listing = listing_create(supplier)
    type(supplier).objects.filter(pk=supplier.pk).update(status=MemberStatus.SUSPENDED)

    assert client.get(f"/suppliers/{supplier.member_id}/").status_code == 404
    assert client.get(f"/listings/{listing.pk}/").status_code == 404


def test_supplier_profile_page_edit(supplier_client, supplier):
    response = supplier_client.post(
        "/my/supplier-profile/",
        {
            "description": "Valves since 1990.",
            "main_products": "Valves, Fittings",
            "year_established": "1990",
            "export_markets": ["DE"],
        },
        follow=True,
    )

    assert response.status_code == 200
    profile = supplier.supplier_profile
    assert (profile.main_products, profile.year_established, profile.export_markets) == (
        ["Valves", "Fittings"],
        1990,
        ["DE"],
    )


def test_pages_need_a_login_and_the_supplier_role(client, db):
    buyer = member_create(country="DE", roles=["buyer"])

    anonymous = client.get("/my/listings/")
    client.force_login(buyer.user, backend="tradepost.members.backends.MemberLoginBackend")
    as_buyer = client.get("/my/listings/new/")

    assert anonymous.status_code == 302
    assert anonymous.url.startswith("/login/")
    assert as_buyer.status_code == 403


PRICES = [
    {"min_qty": 10, "unit_price": "1000"},
    {"min_qty": 100, "unit_price": "100"},
    {"min_qty": 500, "unit_price": "12.50"},
    {"min_qty": 1000, "unit_price": "0.5"},
]


def test_the_edit_form_shows_prices_as_plain_decimals(supplier_client, supplier):
    listing = listing_create(supplier, moq=10, price_tiers=PRICES)

    response = supplier_client.get(f"/my/listings/{listing.pk}/")

    form = response.context["form"]
    assert [form[f"tier_price_{i}"].value() for i in range(4)] == ["1000", "100", "12.5", "0.5"]
    html = response.content.decode()
    assert 'value="100"' in html
    assert "E+" not in html


def test_public_pages_show_prices_in_the_readers_format(client, supplier):
    listing = listing_create(supplier, moq=10, price_tiers=PRICES)

    detail = client.get(f"/listings/{listing.pk}/").content.decode()
    supplier_page = client.get(f"/suppliers/{supplier.member_id}/").content.decode()

    for price in ("1,000.00", "100.00", "12.50", "0.50"):
        assert f'<td class="num">USD\xa0{price}</td>' in detail
    assert "USD\xa00.50\u2009–\u20091,000.00" in supplier_page
    assert "E+" not in detail + supplier_page
