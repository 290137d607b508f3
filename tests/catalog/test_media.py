"""Uploaded files under /media/: listing images to anyone, certification documents only to
their supplier and staff, sent as downloads; streamed by the app or handed to the web server."""

import urllib.error
import urllib.request

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.testcases import _MediaFilesHandler

from tests.factories import image_bytes, listing_create, member_create, pdf_bytes
from tests.members.conftest import login_token
from tradepost.catalog import services

LOGIN_BACKEND = "tradepost.members.backends.MemberLoginBackend"


def _image(supplier):
    listing = listing_create(supplier)
    upload = SimpleUploadedFile("p.png", image_bytes("PNG"), content_type="image/png")
    return services.listing_image_add(member=supplier, listing_id=listing.pk, upload=upload)


def _certification(supplier, data=None):
    upload = SimpleUploadedFile("iso.pdf", data or pdf_bytes(), content_type="application/pdf")
    return services.certification_add(member=supplier, name="ISO 9001", issuer="", upload=upload)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_listing_image_is_served_to_anyone(supplier):
    image = _image(supplier)

    response = Client().get(image.image.url)

    assert image.image.url.startswith("/media/listings/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert _body(response) == image.image.open("rb").read()


def test_a_certification_is_a_download_for_its_supplier(supplier, supplier_client):
    cert = _certification(supplier)

    response = supplier_client.get(cert.document.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{cert.document.name.rsplit("/", 1)[1]}"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert _body(response) == cert.document.open("rb").read()


def test_a_certification_is_served_to_its_supplier_with_a_bearer_token(supplier):
    cert = _certification(supplier)
    token = login_token(supplier)

    response = Client().get(cert.document.url, HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; ")


def test_staff_get_any_certification(supplier, console):
    cert = _certification(supplier)

    response = console.get(cert.document.url)

    assert response.status_code == 200


def test_a_certification_is_404_to_others_as_if_missing(supplier, db):
    cert = _certification(supplier)
    other = Client()
    other.force_login(member_create(roles=["supplier"]).user, backend=LOGIN_BACKEND)
    missing = cert.document.url.replace(".pdf", "0.pdf")

    statuses = [
        Client().get(cert.document.url).status_code,
        other.get(cert.document.url).status_code,
        other.get(missing).status_code,
        Client().get(cert.document.url, HTTP_AUTHORIZATION="Bearer tp_wrong").status_code,
    ]

    assert statuses == [404, 404, 404, 404]


@pytest.mark.parametrize(
    "path",
    [
        "/media/../secret_key",
        "/media/listings/../../secret_key",
        "/media/listings/%2e%2e/%2e%2e/secret_key.png",
        "/media/secret_key",
        "/media/other/x.png",
        "/media/listings/2026/01/none.png",
        "/media/listings/x.html",
    ],
)
def test_nothing_else_under_media_is_served(client, db, path):
    assert client.get(path).status_code == 404


def test_with_x_accel_redirect_nginx_sends_the_bytes(supplier, supplier_client, settings):
    settings.MEDIA_SENDFILE = "x-accel-redirect"
    cert = _certification(supplier)
    image = _image(supplier)

    doc = supplier_client.get(cert.document.url)
    img = Client().get(image.image.url)
    refused = Client().get(cert.document.url)

    assert doc.status_code == 200
    assert doc["X-Accel-Redirect"] == f"/protected-media/{cert.document.name}"
    assert doc["Content-Disposition"].startswith("attachment; ")
    assert doc.content == b""
    assert img["X-Accel-Redirect"] == f"/protected-media/{image.image.name}"
    assert img["Content-Type"] == "image/png"
    assert refused.status_code == 404
    assert "X-Accel-Redirect" not in refused


def test_with_x_sendfile_the_server_gets_the_absolute_path(supplier, settings):
    settings.MEDIA_SENDFILE = "x-sendfile"
    image = _image(supplier)

    response = Client().get(image.image.url)

    assert response["X-Sendfile"] == image.image.path


@pytest.mark.django_db(transaction=True)
def test_media_urls_the_api_returns_answer_on_the_live_server(
    live_server, bundled_terms, monkeypatch
):
    # Django's test server serves MEDIA_URL itself, with no access check; turn that off so
    # the answers come from the app, as under `make run` and gunicorn.
    monkeypatch.setattr(_MediaFilesHandler, "_should_handle", lambda self, path: False)
    supplier = member_create(country="CN", roles=["supplier"])
    image = _image(supplier)
    cert = _certification(supplier)
    token = login_token(supplier)

    with urllib.request.urlopen(live_server.url + image.image.url) as response:  # noqa: S310
        assert response.status == 200
        assert response.read() == image.image.open("rb").read()
    request = urllib.request.Request(  # noqa: S310
        live_server.url + cert.document.url, headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310
        assert response.status == 200
        assert response.headers["Content-Disposition"].startswith("attachment; ")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(live_server.url + cert.document.url)  # noqa: S310
    assert refused.value.code == 404
