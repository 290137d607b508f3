"""Uploaded files: images re-encoded without metadata, certification PDFs parsed by pypdf."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from tests.factories import image_bytes, listing_payload, pdf_bytes
from tradepost.catalog import uploads
from tradepost.catalog.models import Certification, ListingImage
from tradepost.errors import InvalidInput

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (52.0, 31.0, 12.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (13.0, 24.0, 36.0),
}


def photo_with_exif(fmt: str = "JPEG", *, orientation: int = 1) -> bytes:
    """A 200x150 photo carrying GPS position, camera make and model, and an orientation."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Examplecam"
    exif[ExifTags.Base.Model] = "EC-1 Pro"
    exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    buffer = BytesIO()
    Image.new("RGB", (200, 150), (200, 80, 40)).save(buffer, format=fmt, exif=exif)
    return buffer.getvalue()


def _exif(data: bytes) -> dict:
    with Image.open(BytesIO(data)) as img:
        exif = img.getexif()
        return {**dict(exif), "gps": dict(exif.get_ifd(ExifTags.IFD.GPSInfo)), **img.info}


def test_the_test_photo_really_carries_gps_and_camera():
    exif = _exif(photo_with_exif())

    assert exif[ExifTags.Base.Make] == "Examplecam"
    assert exif["gps"][ExifTags.GPS.GPSLatitudeRef] == "N"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_an_image_is_reencoded_without_exif(fmt):
    info = uploads.inspect_image(photo_with_exif(fmt))

    with Image.open(BytesIO(info.data)) as img:
        assert img.format == fmt
        assert dict(img.getexif()) == {}
        assert "exif" not in img.info
        assert img.size == (200, 150)
    assert info.size == len(info.data)


def test_the_orientation_is_applied_before_the_exif_goes():
    info = uploads.inspect_image(photo_with_exif(orientation=6))

    with Image.open(BytesIO(info.data)) as img:
        assert img.size == (150, 200)
        assert dict(img.getexif()) == {}
    assert (info.width, info.height) == (150, 200)


def test_bytes_hidden_after_the_image_are_not_kept():
    data = image_bytes("PNG") + b"PK\x03\x04 a zip archive riding along"

    info = uploads.inspect_image(data)

    assert b"PK\x03\x04" not in info.data


def test_a_transparent_png_stays_transparent():
    buffer = BytesIO()
    Image.new("RGBA", (120, 120), (0, 0, 0, 0)).save(buffer, format="PNG")

    info = uploads.inspect_image(buffer.getvalue())

    with Image.open(BytesIO(info.data)) as img:
        assert img.mode == "RGBA"
        assert img.getpixel((5, 5)) == (0, 0, 0, 0)


def test_a_real_pdf_is_accepted_as_is():
    data = pdf_bytes(pages=2)

    info = uploads.inspect_document(data)

    assert (info.content_type, info.extension, info.data) == ("application/pdf", "pdf", data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
            "The PDF is damaged or not a PDF: it could not be read.",
        ),
        (
            b"%PDF-1.7\n" + b"\x00garbage" * 500 + b"\n%%EOF\n",
            "The PDF is damaged or not a PDF: it could not be read.",
        ),
        (pdf_bytes()[:-200], "The PDF is damaged or not a PDF: it could not be read."),
        (
            pdf_bytes(password="secret"),
            "The PDF is encrypted or password-protected: upload it without a password.",
        ),
    ],
    ids=["header-and-trailer-only", "garbage-between", "truncated", "encrypted"],
)
def test_a_pdf_pypdf_cannot_read_or_an_encrypted_one_is_refused(data, message):
    with pytest.raises(InvalidInput) as caught:
        uploads.inspect_document(data)

    assert caught.value.code == "invalid_document"
    assert caught.value.fields == {"document": [message]}


def test_a_certification_image_is_reencoded_too():
    info = uploads.inspect_document(photo_with_exif())

    assert info.content_type == "image/jpeg"
    assert dict(Image.open(BytesIO(info.data)).getexif()) == {}


def _upload(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_an_uploaded_listing_photo_is_stored_without_its_gps_position(supplier_api):
    created = supplier_api.post("/my/listings", listing_payload()).json()

    response = supplier_api.client.post(
        f"/api/v1/my/listings/{created['id']}/images",
        {"image": _upload("photo.jpg", photo_with_exif(), "image/jpeg")},
        HTTP_AUTHORIZATION=f"Bearer {supplier_api.token}",
    )

    assert response.status_code == 201
    stored = ListingImage.objects.get().image.read()
    assert dict(Image.open(BytesIO(stored)).getexif()) == {}
    assert b"Examplecam" not in stored
    assert ListingImage.objects.get().size == len(stored)


def test_an_encrypted_certification_is_refused_with_a_field_error(supplier_api):
    response = supplier_api.client.post(
        "/api/v1/my/supplier-profile/certifications",
        {
            "name": "ISO 9001",
            "document": _upload("iso.pdf", pdf_bytes(password="x"), "application/pdf"),
        },
        HTTP_AUTHORIZATION=f"Bearer {supplier_api.token}",
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "document": ["The PDF is encrypted or password-protected: upload it without a password."]
    }
    assert Certification.objects.count() == 0
