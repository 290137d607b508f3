"""Upload endpoints and pages with a multipart body Django cannot read: 400, never a 500."""

import pytest

from tests.factories import listing_create, listing_payload
from tradepost.catalog.models import Certification, Listing

NO_BOUNDARY = "multipart/form-data"
BROKEN = "multipart/form-data; boundary=zz"
BROKEN_BODY = b'--zz\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n\r\nPNG'


def _paths(supplier_api) -> dict[str, str]:
    listing = supplier_api.post("/my/listings", listing_payload()).json()
    return {
        "images": f"/api/v1/my/listings/{listing['id']}/images",
        "certifications": "/api/v1/my/supplier-profile/certifications",
    }


BAD_BASE64 = (
    b'--zz\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n'
    b"Content-Transfer-Encoding: base64\r\n\r\nAAA\r\n--zz--\r\n"
)
ENDLESS_HEADER = b"--zz\r\nContent-Disposition: form-data; name=" + b"x" * 20_000


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        (NO_BOUNDARY, b"--x\r\nnot multipart"),
        ("multipart/form-data; boundary=", b"--\r\n"),
        ("multipart/form-data; boundary=\u00e4", "--\u00e4\r\n".encode()),
        (BROKEN, BAD_BASE64),
        (BROKEN, ENDLESS_HEADER),
    ],
)
@pytest.mark.parametrize("endpoint", ["images", "certifications"])
def test_an_unreadable_multipart_body_answers_400_json(supplier_api, endpoint, content_type, body):
    path = _paths(supplier_api)[endpoint]

    response = supplier_api.client.post(
        path, body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {supplier_api.token}"
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "malformed_request",
            "message": (
                "The body is not valid multipart/form-data "
                "(send it with a boundary and whole parts)."
            ),
            "fields": {},
        }
    }
    assert Certification.objects.count() == 0
    assert Listing.objects.get().images.count() == 0


@pytest.mark.parametrize(
    ("endpoint", "fields"),
    [("images", ["file.image"]), ("certifications", ["form.name", "file.document"])],
)
def test_a_truncated_part_is_refused_as_missing_fields(supplier_api, endpoint, fields):
    path = _paths(supplier_api)[endpoint]

    response = supplier_api.client.post(
        path, BROKEN_BODY, content_type=BROKEN, HTTP_AUTHORIZATION=f"Bearer {supplier_api.token}"
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert list(response.json()["error"]["fields"]) == fields
    assert Certification.objects.count() == 0
    assert Listing.objects.get().images.count() == 0


@pytest.mark.parametrize(
    "page", ["/my/listings/{id}/images/", "/my/supplier-profile/certifications/"]
)
def test_upload_pages_answer_a_broken_form_with_a_message(supplier_client, supplier, page):
    listing = listing_create(supplier)

    response = supplier_client.post(
        page.format(id=listing.pk), b"--x\r\nnot multipart", content_type=NO_BOUNDARY
    )

    assert response.status_code == 400
    assert "The form could not be read" in response.content.decode()
    assert listing.images.count() == 0
