"""The verification API (clause 7.2): POST/GET /api/v1/verification and the public
GET /api/v1/suppliers/{id}/verification, with 4xx JSON errors on bad input."""

import pytest
from django.test import Client

from tests.billing.verification_helpers import (
    supplier_create,
    verified_create,
    verifier_create,
)
from tests.conftest import ApiClient
from tests.factories import image_bytes, member_create, pdf_bytes
from tests.members.conftest import login_token
from tradepost.billing.models import VerificationRequest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def supplier(db):
    return supplier_create()


def _client(member) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {login_token(member)}")


def _post(member, data):
    return _client(member).post("/api/v1/verification", data)


def _pdf(name="licence.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def test_a_paying_supplier_posts_a_request_with_its_licence(supplier):
    response = _post(
        supplier,
        {
            "fields": ["legal_name", "business_licence"],
            "claims.business_licence": "BL-1",
            "documents.business_licence": _pdf(),
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert body["provider"] == "manual"
    assert [(c["field"], c["claimed_value"], c["result"]) for c in body["checks"]] == [
        ("legal_name", supplier.company_name, "pending"),
        ("business_licence", "BL-1", "pending"),
    ]
    assert len(body["documents"]) == 1
    document = body["documents"][0]
    assert document["kind"] == "business_licence"
    assert document["content_type"] == "application/pdf"
    assert document["url"] == f"/account/verification/documents/{document['id']}/"


def test_a_free_supplier_gets_403_verification_not_eligible(db):
    member = supplier_create(tier="free")

    response = _post(
        member, {"claims.business_licence": "BL-1", "documents.business_licence": _pdf()}
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "verification_not_eligible"
    assert response.json()["error"]["clause"] == "7.2"


def test_a_second_request_gets_409(supplier):
    data = {"claims.business_licence": "BL-1"}
    assert _post(supplier, {**data, "documents.business_licence": _pdf()}).status_code == 201

    response = _post(supplier, {**data, "documents.business_licence": _pdf()})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "verification_pending"


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"claims.business_licence": "BL-1"}, ["documents.business_licence"]),
        ({"documents.business_licence": "x"}, ["claims.business_licence"]),
        ({"claims.business_licence": "BL-1", "colour": "red"}, ["colour"]),
        ({"fields": ["turnover"]}, ["fields", "documents.business_licence"]),
    ],
)
def test_bad_input_gets_422_naming_the_part(supplier, data, fields):
    if "documents.business_licence" in data:
        data["documents.business_licence"] = _pdf()
    response = _post(supplier, data)

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == fields
    assert VerificationRequest.objects.count() == 0


def test_a_file_that_is_not_a_document_gets_422(supplier):
    from django.core.files.uploadedfile import SimpleUploadedFile

    junk = SimpleUploadedFile("l.pdf", b"#!/bin/sh\necho hi\n", content_type="application/pdf")

    response = _post(
        supplier, {"claims.business_licence": "BL-1", "documents.business_licence": junk}
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_document"


def test_json_gets_415(supplier):
    response = ApiClient(token=login_token(supplier)).post(
        "/verification", {"claims": {"business_licence": "BL-1"}}
    )

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_anonymous_gets_401(db):
    response = Client().post("/api/v1/verification", {})

    assert response.status_code == 401


def test_get_shows_the_own_status(supplier):
    verifier = verified_create(supplier, verifier_create())

    response = _client(supplier).get("/api/v1/verification")

    assert response.status_code == 200
    body = response.json()
    assert body["eligible"] is True
    assert body["eligibility_code"] is None
    assert body["current"]["id"] == verifier.pk
    assert body["latest"]["status"] == "verified"
    assert {c["result"] for c in body["latest"]["checks"]} == {"verified"}


def test_get_for_a_free_supplier_says_why_not(db):
    member = supplier_create(tier="free")

    body = _client(member).get("/api/v1/verification").json()

    assert body == {
        "eligible": False,
        "eligibility_code": "verification_not_eligible",
        "current": None,
        "latest": None,
    }


def test_the_public_record_lists_only_verified_fields_and_no_login(supplier):
    verified_create(supplier, verifier_create(), mismatch=("registered_address",))

    response = Client().get(f"/api/v1/suppliers/{supplier.member_id}/verification")

    assert response.status_code == 200
    body = response.json()
    assert body["verified"] is True
    assert body["verified_by"] == "Tradepost staff (Trust & safety agent)"
    assert [f["field"] for f in body["fields"]] == [
        "legal_name",
        "registration_number",
        "country",
        "business_licence",
    ]
    assert "verifier" not in response.content.decode()
    assert body["url"] == f"/suppliers/{supplier.member_id}/verification/"


def test_the_public_record_of_an_unverified_supplier_says_so(supplier):
    body = Client().get(f"/api/v1/suppliers/{supplier.member_id}/verification").json()

    assert body["verified"] is False
    assert body["fields"] == []
    assert body["verified_at"] is None


def test_an_unknown_supplier_gets_404(db):
    response = Client().get("/api/v1/suppliers/XX000000/verification")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_another_supplier_cannot_fetch_the_documents(supplier):
    body = _post(
        supplier,
        {"claims.business_licence": "BL-1", "documents.business_licence": _pdf()},
    ).json()
    url = body["documents"][0]["url"]
    other = supplier_create()
    buyer = member_create(country="DE", roles=["buyer"])

    own = _client(supplier).get(url)
    assert own.status_code == 200
    assert own["Content-Disposition"].startswith("attachment")
    for member in (other, buyer):
        client = Client()
        client.force_login(member.user, backend="tradepost.members.backends.MemberLoginBackend")
        assert client.get(url).status_code == 404
    assert Client().get(url).status_code == 404


def test_an_image_document_is_accepted(supplier):
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = SimpleUploadedFile("l.png", image_bytes("PNG"), content_type="image/png")

    response = _post(
        supplier, {"claims.business_licence": "BL-1", "documents.business_licence": png}
    )

    assert response.status_code == 201
    assert response.json()["documents"][0]["content_type"] == "image/png"
