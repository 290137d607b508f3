"""Use cases on catalog images: the thumbnails of listing images, and the supplier's logo and
banner on the storefront.

Every stored image is the upload re-encoded by Pillow (`uploads.inspect_image`: no EXIF, no
trailing bytes) under a name of ours (a random UUID, never reused), so /media/ can tell
browsers to keep it for a year. The copies pages show are WebP thumbnails made from it.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q

from tradepost.catalog import locks, uploads
from tradepost.catalog.models import ListingImage, SupplierProfile
from tradepost.catalog.services.listings import supplier_require
from tradepost.members.models import Member
from tradepost.terms.services import terms_acceptance_guard


def _delete_on_commit(storage: Storage, names: list[str]) -> None:
    def delete() -> None:
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete)


def _stem(name: str) -> str:
    return PurePosixPath(name).stem


def listing_image_thumbnails_make(image: ListingImage, data: bytes | None = None) -> list[str]:
    """Make (or remake) the 400 px and 1000 px WebP copies of a listing image, beside it.

    `data`: the stored (re-encoded) bytes, read from storage when not given. Saves the row's
    two fields; returns the names of the files written (for the caller to clean up on
    failure)."""
    if data is None:
        with image.image.open("rb") as stored:
            data = stored.read()
    stem = _stem(image.image.name or "")
    written = []
    for field, side in (("thumbnail", uploads.THUMB_SIDE), ("display", uploads.DISPLAY_SIDE)):
        copy = uploads.thumbnail(data, max_side=side)
        file = getattr(image, field)
        old = file.name
        file.save(
            f"{stem}-{side}.{uploads.THUMBNAIL_FORMAT[2]}", ContentFile(copy.data), save=False
        )
        written.append(file.name)
        if old and old != file.name:
            _delete_on_commit(file.storage, [old])
    ListingImage.objects.filter(pk=image.pk).update(
        thumbnail=image.thumbnail.name, display=image.display.name
    )
    return written


def listing_thumbnails_backfill(*, limit: int | None = None) -> int:
    """Make the thumbnails of listing images stored without them; returns how many.

    What `tradepost catalog_thumbnails` runs: images uploaded before thumbnails existed."""
    missing = ListingImage.objects.filter(Q(thumbnail="") | Q(display="")).order_by("id")
    done = 0
    for image in missing[:limit] if limit else missing:
        if not image.image.name or not image.image.storage.exists(image.image.name):
            continue
        with transaction.atomic():
            listing_image_thumbnails_make(image)
        done += 1
    return done


def _store(profile: SupplierProfile, kind: str, upload: UploadedFile) -> list[str]:
    """Re-encode the upload, store it and its display copy; returns the old files' names."""
    data = uploads.read_upload(upload, field=kind, max_bytes=uploads.IMAGE_MAX_BYTES)
    info = uploads.inspect_image(data, field=kind)
    if kind == "logo":
        copy = uploads.thumbnail(info.data, max_side=uploads.LOGO_SIDE)
        copy_field, copy_side = "logo_thumb", uploads.LOGO_SIDE
    else:
        copy = uploads.thumbnail(info.data, max_side=uploads.BANNER_WIDTH, max_height=600)
        copy_field, copy_side = "banner_display", uploads.BANNER_WIDTH
    original, display = getattr(profile, kind), getattr(profile, copy_field)
    old = [name for name in (original.name, display.name) if name]
    stem = uuid.uuid4().hex
    original.save(f"{stem}.{info.extension}", ContentFile(info.data), save=False)
    display.save(f"{stem}-{copy_side}.webp", ContentFile(copy.data), save=False)
    setattr(profile, f"{copy_field}_width", copy.width)
    setattr(profile, f"{copy_field}_height", copy.height)
    return old


def _clear(profile: SupplierProfile, kind: str) -> list[str]:
    copy_field = "logo_thumb" if kind == "logo" else "banner_display"
    old = [f.name for f in (getattr(profile, kind), getattr(profile, copy_field)) if f.name]
    setattr(profile, kind, "")
    setattr(profile, copy_field, "")
    setattr(profile, f"{copy_field}_width", None)
    setattr(profile, f"{copy_field}_height", None)
    return old


@transaction.atomic
def supplier_images_update(
    *,
    member: Member,
    logo: UploadedFile | None = None,
    banner: UploadedFile | None = None,
    remove_logo: bool = False,
    remove_banner: bool = False,
    ip: str | None = None,
) -> SupplierProfile:
    """The storefront's logo and banner: each upload re-encoded (no metadata) with its
    display copy (logo 256 px, banner up to 1600 x 600 px). Posting company information is a
    sensitive action under the Terms gate (clause 4.4)."""
    supplier_require(member)
    terms_acceptance_guard(member=member, action="post_content", ip=ip)
    profile = locks.supplier_profile_for_update(member=member)
    old: list[str] = []
    if remove_logo:
        old += _clear(profile, "logo")
    if remove_banner:
        old += _clear(profile, "banner")
    if logo is not None:
        old += _store(profile, "logo", logo)
    if banner is not None:
        old += _store(profile, "banner", banner)
    profile.save()
    _delete_on_commit(profile.logo.storage, old)
    return profile
