"""Thumbnails made on upload: WebP copies at 400 px and 1000 px beside the re-encoded image,
without metadata; deleted with it; a backfill for images stored before."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from tests.factories import image_bytes, listing_create
from tradepost.catalog import services
from tradepost.catalog.models import ListingImage


def _jpeg_with_exif(size=(2000, 1500)) -> bytes:
    img = Image.new("RGB", size, (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    buffer = BytesIO()
    img.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def _add(supplier, data, name="p.jpg"):
    listing = listing_create(supplier)
    upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
    return services.listing_image_add(member=supplier, listing_id=listing.pk, upload=upload)


def test_an_upload_gets_a_thumbnail_and_a_display_copy_in_webp(supplier):
    image = _add(supplier, _jpeg_with_exif())

    with image.thumbnail.open("rb") as f:
        thumb = Image.open(BytesIO(f.read()))
    with image.display.open("rb") as f:
        display = Image.open(BytesIO(f.read()))

    assert (thumb.format, thumb.size) == ("WEBP", (400, 300))
    assert (display.format, display.size) == ("WEBP", (1000, 750))
    assert image.thumb_size == (400, 300)
    assert image.display_size == (1000, 750)
    assert not thumb.getexif()
    stem = image.image.name.rsplit("/", 1)[1].split(".")[0]
    assert image.thumbnail.name.endswith(f"{stem}-400.webp")
    assert image.display.name.endswith(f"{stem}-1000.webp")
    with image.image.open("rb") as f:
        assert not Image.open(BytesIO(f.read())).getexif()  # the re-encode still strips EXIF


def test_a_small_image_is_never_enlarged(supplier):
    image = _add(supplier, image_bytes("PNG", (300, 200)), name="p.png")

    with image.display.open("rb") as f:
        assert Image.open(BytesIO(f.read())).size == (300, 200)
    assert image.display_size == (300, 200)


def test_removing_an_image_deletes_its_copies(supplier, django_capture_on_commit_callbacks):
    image = _add(supplier, image_bytes("JPEG", (800, 600)))
    storage, names = image.image.storage, image.file_names()
    assert len(names) == 3

    with django_capture_on_commit_callbacks(execute=True):
        services.listing_image_remove(
            member=supplier, listing_id=image.listing_id, image_id=image.pk
        )

    assert [storage.exists(n) for n in names] == [False, False, False]


def test_the_backfill_command_makes_missing_thumbnails(supplier, capsys):
    image = _add(supplier, image_bytes("JPEG", (1200, 900)))
    ListingImage.objects.filter(pk=image.pk).update(thumbnail="", display="")

    call_command("catalog_thumbnails")
    again = ListingImage.objects.get(pk=image.pk)
    call_command("catalog_thumbnails")

    stem = image.image.name.rsplit(".", 1)[0]
    # A remade copy gets a new name (the old file is still there), so caches never serve
    # the old bytes under it.
    assert again.thumbnail.name.startswith(f"{stem}-400")
    assert again.thumbnail.name.endswith(".webp")
    assert again.display.name.startswith(f"{stem}-1000")
    out = capsys.readouterr().out
    assert "Thumbnails made for 1 listing image(s)." in out
    assert "Thumbnails made for 0 listing image(s)." in out


def test_a_served_thumbnail_is_cached_for_a_year(client, supplier):
    image = _add(supplier, image_bytes("JPEG", (800, 600)))

    response = client.get(image.thumbnail.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
