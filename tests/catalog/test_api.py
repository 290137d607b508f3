"""The listing API contract scripts rely on, and bad input answered as 4xx JSON."""

import pytest

from tests.conftest import ApiClient
from tests.factories import image_bytes, listing_payload, member_create, pdf_bytes
from tests.members.conftest import login_token
from tradepost.catalog.models import Listing, PriceTier
from tradepost.members.models import MemberStatus


def test_categories_are_a_tree_with_slugs_names_and_children(db, api):
    response = api.get("/categories")

    assert response.status_code == 200
    tree = response.json()
    machinery = next(node for node in tree if node["slug"] == "industrial-machinery")
    assert machinery["name"] == "Industrial Machinery"
    assert machinery["children"][3] == {
        "slug": "pumps-valves",
        "name": "Pumps & Valves",
        "children": [],
    }
    assert sum(len(node["children"]) for node in tree) == 59


def test_post_listing_publishes_a_clean_listing(supplier_api):
    response = supplier_api.post("/my/listings", listing_payload())

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "published"
    assert body["screening"]["decision"] == "publish"
    assert body["screening"]["matches"] == []
    assert body["price_tiers"] == [
        {"min_qty": 100, "unit_price": "12.5"},
        {"min_qty": 500, "unit_price": "11"},
    ]
    assert body["min_unit_price"] == "11"
    assert body["category"] == {"slug": "pumps-valves", "name": "Pumps & Valves"}
    listing = Listing.objects.get(pk=body["id"])
    assert listing.supplier_country == "CN"


def test_post_listing_as_draft(supplier_api):
    response = supplier_api.post("/my/listings", listing_payload(publish=False))

    assert response.status_code == 201
    assert response.json()["status"] == "draft"
    assert response.json()["screening"]["decision"] == "publish"


def test_refused_listing_is_kept_as_rejected_with_its_screening(supplier_api):
    response = supplier_api.post(
        "/my/listings", listing_payload(description="Call +86 138 0013 8000 for prices.")
    )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "rejected"
    assert body["screening"]["decision"] == "refuse"
    assert [(m["rule"], m["kind"], m["text"]) for m in body["screening"]["matches"]] == [
        ("offsite.phone", "offsite", "+86 138 0013 8000")
    ]


def test_restricted_listing_goes_to_review(supplier_api):
    response = supplier_api.post(
        "/my/listings",
        listing_payload(title="KN95 masks", category="personal-protective-equipment"),
    )

    assert response.status_code == 201
    assert response.json()["status"] == "pending_review"
    assert response.json()["screening"]["decision"] == "review"


def test_get_list_and_detail_of_own_listings(supplier_api):
    created = supplier_api.post("/my/listings", listing_payload()).json()

    listed = supplier_api.get("/my/listings")
    detail = supplier_api.get(f"/my/listings/{created['id']}")

    assert listed.status_code == 200
    assert [x["id"] for x in listed.json()] == [created["id"]]
    assert detail.status_code == 200
    assert detail.json()["title"] == "Stainless steel pipe flange DN50"
    assert [h["action"] for h in detail.json()["history"]] == ["submit"]


def test_someone_elses_listing_and_a_missing_one_answer_the_same_404(supplier_api):
    other = member_create(country="DE", roles=["supplier"])
    theirs = ApiClient(token=login_token(other)).post("/my/listings", listing_payload()).json()

    for listing_id in (theirs["id"], 999999):
        for response in (
            supplier_api.get(f"/my/listings/{listing_id}"),
            supplier_api.patch(f"/my/listings/{listing_id}", {"title": "Mine now"}),
            supplier_api.delete(f"/my/listings/{listing_id}"),
        ):
            assert response.status_code == 404
            assert response.json() == {
                "error": {"code": "not_found", "message": "Listing not found.", "fields": {}}
            }
    assert Listing.objects.get(pk=theirs["id"]).title == "Stainless steel pipe flange DN50"


def test_only_active_suppliers_may_post(db):
    buyer = member_create(country="DE", roles=["buyer"])
    suspended = member_create(country="DE", roles=["supplier"])
    buyer_api = ApiClient(token=login_token(buyer))
    suspended_api = ApiClient(token=login_token(suspended))
    type(suspended).objects.filter(pk=suspended.pk).update(status=MemberStatus.SUSPENDED)

    as_buyer = buyer_api.post("/my/listings", listing_payload())
    as_suspended = suspended_api.post("/my/listings", listing_payload())

    assert as_buyer.status_code == 403
    assert as_buyer.json()["error"]["code"] == "not_a_supplier"
    assert as_suspended.status_code == 403
    assert as_suspended.json()["error"]["code"] == "account_not_active"
    assert Listing.objects.count() == 0


def test_anonymous_callers_are_told_to_log_in(db, api):
    response = api.post("/my/listings", listing_payload())

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"currency": "ZZZ"}, "currency"),
        ({"description": "x" * 20_001}, "description"),
        ({"category": "no-such-category"}, "category"),
        ({"category": "chemicals"}, "category"),
        ({"moq": -1}, "moq"),
        ({"price_tiers": [{"min_qty": 100, "unit_price": "-3.00"}]}, "price_tiers[0].unit_price"),
        ({"price_tiers": [{"min_qty": -100, "unit_price": "3.00"}]}, "price_tiers[0].min_qty"),
        (
            {
                "price_tiers": [
                    {"min_qty": 100, "unit_price": "3"},
                    {"min_qty": 50, "unit_price": "2"},
                ]
            },
            "price_tiers",
        ),
        ({"incoterm": "XYZ"}, "incoterm"),
        ({"title": "Brass valve \u2067RTL\u2069"}, "title"),
        ({"title": "Brass\u200b valve"}, "title"),
        ({"unit": "pie\ufeffce"}, "unit"),
    ],
)
def test_bad_input_is_a_422_with_the_field_and_nothing_is_written(supplier_api, overrides, field):
    response = supplier_api.post("/my/listings", listing_payload(**overrides))

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert list(error["fields"]) == [field]
    assert Listing.objects.count() == 0
    assert PriceTier.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        {"title": "x"},
        listing_payload(price_tiers=[{"min_qty": 10, "unit_price": 1.5}]),
        listing_payload(publish="yes"),
        listing_payload(price_tiers="cheap"),
    ],
)
def test_malformed_bodies_are_422_not_500(supplier_api, body):
    response = supplier_api.post("/my/listings", body)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


def test_not_json_is_a_400(supplier_api):
    response = supplier_api.post("/my/listings", raw=b"\xff{not json")

    assert response.status_code == 400


def test_patch_edits_and_rescreens_a_published_listing(supplier_api):
    created = supplier_api.post("/my/listings", listing_payload()).json()

    response = supplier_api.patch(
        f"/my/listings/{created['id']}", {"description": "Now with ammunition included."}
    )

    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert [m["rule"] for m in response.json()["screening"]["matches"]] == ["prohibited.weapons"]


def test_patch_with_bad_input_leaves_the_listing_as_it_was(supplier_api):
    created = supplier_api.post("/my/listings", listing_payload()).json()

    response = supplier_api.patch(
        f"/my/listings/{created['id']}",
        {"title": "New title", "price_tiers": [{"min_qty": 100, "unit_price": "0"}]},
    )

    assert response.status_code == 422
    listing = Listing.objects.get(pk=created["id"])
    assert listing.title == "Stainless steel pipe flange DN50"
    assert [str(t.unit_price) for t in listing.price_tiers.all()] == ["12.5000", "11.0000"]


def test_submit_and_withdraw(supplier_api):
    draft = supplier_api.post("/my/listings", listing_payload(publish=False)).json()

    submitted = supplier_api.post(f"/my/listings/{draft['id']}/submit")
    withdrawn = supplier_api.post(f"/my/listings/{draft['id']}/withdraw")
    withdrawn_again = supplier_api.post(f"/my/listings/{draft['id']}/withdraw")

    assert submitted.json()["status"] == "published"
    assert withdrawn.json()["status"] == "draft"
    assert withdrawn_again.status_code == 409
    assert withdrawn_again.json()["error"]["code"] == "illegal_transition"


def test_delete_erases_a_never_posted_draft_and_keeps_a_posted_listing_as_removed(supplier_api):
    draft = supplier_api.post("/my/listings", listing_payload(publish=False)).json()
    posted = supplier_api.post("/my/listings", listing_payload()).json()

    erased = supplier_api.delete(f"/my/listings/{draft['id']}")
    removed = supplier_api.delete(f"/my/listings/{posted['id']}")

    assert erased.json() == {"id": draft["id"], "deleted": True, "status": "removed"}
    assert removed.json() == {"id": posted["id"], "deleted": False, "status": "removed"}
    assert list(Listing.objects.values_list("pk", "status")) == [(posted["id"], "removed")]


def test_upload_an_image(supplier_api):
    created = supplier_api.post("/my/listings", listing_payload()).json()

    response = supplier_api.client.post(
        f"/api/v1/my/listings/{created['id']}/images",
        {"image": _file("photo.png", image_bytes("PNG"))},
        HTTP_AUTHORIZATION=f"Bearer {supplier_api.token}",
    )

    assert response.status_code == 201
    assert response.json()["content_type"] == "image/png"
    assert (response.json()["width"], response.json()["height"]) == (200, 150)


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("photo.jpg", b"this is not an image at all" * 10, "invalid_image"),
        ("photo.jpg", image_bytes("JPEG")[:300], "invalid_image"),
        ("photo.gif", image_bytes("GIF"), "invalid_image"),
        ("photo.jpg", image_bytes("JPEG") + b"\0" * (5 * 1024 * 1024), "file_too_large"),
        ("tiny.png", image_bytes("PNG", (20, 20)), "invalid_image"),
    ],
)
def test_bad_images_are_refused(supplier_api, name, data, code):
    created = supplier_api.post("/my/listings", listing_payload()).json()

    response = supplier_api.client.post(
        f"/api/v1/my/listings/{created['id']}/images",
        {"image": _file(name, data)},
        HTTP_AUTHORIZATION=f"Bearer {supplier_api.token}",
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert list(response.json()["error"]["fields"]) == ["image"]
    assert Listing.objects.get(pk=created["id"]).images.count() == 0


def test_supplier_profile_get_and_patch(supplier_api):
    patched = supplier_api.patch(
        "/my/supplier-profile",
        {
            "description": "We forge flanges.",
            "main_products": ["Flanges", "Valves"],
            "year_established": 1998,
            "export_markets": ["de", "US"],
        },
    )
    got = supplier_api.get("/my/supplier-profile")

    assert patched.status_code == 200
    assert got.json()["main_products"] == ["Flanges", "Valves"]
    assert got.json()["export_markets"] == ["DE", "US"]
    assert got.json()["membership_tier"] == "free"
    assert got.json()["listing_cap"] == {
        "tier": "free",
        "tier_name": "Free",
        "cap": 50,
        "overridden": False,
        "in_use": 0,
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"year_established": 1500}, "year_established"),
        ({"export_markets": ["QQ"]}, "export_markets"),
        ({"main_products": ["Valves\u202e"]}, "main_products[0]"),
    ],
)
def test_supplier_profile_bad_input(supplier_api, body, field):
    response = supplier_api.patch("/my/supplier-profile", body)

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == [field]


def test_certification_upload_accepts_a_pdf_and_refuses_other_bytes(supplier_api):
    pdf = pdf_bytes()
    ok = supplier_api.client.post(
        "/api/v1/my/supplier-profile/certifications",
        {"name": "ISO 9001", "issuer": "TUV", "document": _file("iso.pdf", pdf)},
        HTTP_AUTHORIZATION=f"Bearer {supplier_api.token}",
    )
    bad = supplier_api.client.post(
        "/api/v1/my/supplier-profile/certifications",
        {"name": "ISO 14001", "document": _file("iso.pdf", b"MZ\x90\x00 not a pdf")},
        HTTP_AUTHORIZATION=f"Bearer {supplier_api.token}",
    )

    assert ok.status_code == 201
    assert ok.json()["content_type"] == "application/pdf"
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "invalid_document"


def _file(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_prices_are_plain_decimal_strings_in_json(supplier_api):
    tiers = [
        {"min_qty": 10, "unit_price": "1000"},
        {"min_qty": 100, "unit_price": "100"},
        {"min_qty": 500, "unit_price": "12.50"},
        {"min_qty": 1000, "unit_price": "0.5"},
    ]

    response = supplier_api.post("/my/listings", listing_payload(moq=10, price_tiers=tiers))

    assert response.status_code == 201
    assert response.json()["price_tiers"] == [
        {"min_qty": 10, "unit_price": "1000"},
        {"min_qty": 100, "unit_price": "100"},
        {"min_qty": 500, "unit_price": "12.5"},
        {"min_qty": 1000, "unit_price": "0.5"},
    ]
    assert response.json()["min_unit_price"] == "0.5"
