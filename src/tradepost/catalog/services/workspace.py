"""Use cases of the member's workspace: favourite listings and suppliers, saved searches,
and the order of a listing's images.

Favourites and saved searches rest on unique constraints, so a double click or two tabs
never make a second row (`get_or_create`, no check-then-act).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from tradepost.catalog import locks, search
from tradepost.catalog.models import (
    FavouriteListing,
    FavouriteSupplier,
    Listing,
    ListingStatus,
    SavedSearch,
)
from tradepost.catalog.services.listings import (
    listing_create,
    listing_image_add,
    listing_update,
    supplier_require,
)
from tradepost.errors import DomainError, InvalidInput, NotFound
from tradepost.members.models import Member, MemberStatus
from tradepost.text import text_problem

SAVED_SEARCHES_MAX = 50
SAVED_SEARCH_NAME_MAX = 100
SEARCH_PARAMS = frozenset(
    {
        "q",
        "category",
        "min_price",
        "max_price",
        "qty",
        "moq_max",
        "country",
        "verified",
        "sample",
        "currency",
        "sort",
    }
)


# --- Favourites ---------------------------------------------------------------------------


@transaction.atomic
def favourite_listing_add(*, member: Member, listing_id: int) -> FavouriteListing:
    """Save a published listing; saving it again is a no-op."""
    listing = Listing.objects.filter(pk=listing_id, status=ListingStatus.PUBLISHED).first()
    if listing is None:
        raise NotFound("Listing not found.")
    favourite, _ = FavouriteListing.objects.get_or_create(member=member, listing=listing)
    return favourite


@transaction.atomic
def favourite_listing_remove(*, member: Member, listing_id: int) -> None:
    FavouriteListing.objects.filter(member=member, listing_id=listing_id).delete()


@transaction.atomic
def favourite_listing_toggle(*, member: Member, listing_id: int) -> bool:
    """Save or unsave; returns whether the listing is saved afterwards."""
    deleted, _ = FavouriteListing.objects.filter(member=member, listing_id=listing_id).delete()
    if deleted:
        return False
    favourite_listing_add(member=member, listing_id=listing_id)
    return True


@transaction.atomic
def favourite_supplier_add(*, member: Member, supplier_member_id: str) -> FavouriteSupplier:
    """Save an active supplier by their public member ID; saving again is a no-op."""
    supplier = Member.objects.filter(
        member_id=supplier_member_id, is_supplier=True, status=MemberStatus.ACTIVE
    ).first()
    if supplier is None:
        raise NotFound("Supplier not found.")
    if supplier.pk == member.pk:
        raise InvalidInput("You cannot save yourself.", fields={"supplier": ["That is you."]})
    favourite, _ = FavouriteSupplier.objects.get_or_create(member=member, supplier=supplier)
    return favourite


@transaction.atomic
def favourite_supplier_remove(*, member: Member, supplier_member_id: str) -> None:
    FavouriteSupplier.objects.filter(member=member, supplier__member_id=supplier_member_id).delete()


@transaction.atomic
def favourite_supplier_toggle(*, member: Member, supplier_member_id: str) -> bool:
    deleted, _ = FavouriteSupplier.objects.filter(
        member=member, supplier__member_id=supplier_member_id
    ).delete()
    if deleted:
        return False
    favourite_supplier_add(member=member, supplier_member_id=supplier_member_id)
    return True


# --- Saved searches -----------------------------------------------------------------------


def search_query_clean(raw: str) -> str:
    """Keep only the /search/ parameters in use, in a stable order (no page number)."""
    pairs = [
        (key, value.strip())
        for key, value in parse_qsl(raw.lstrip("?"), keep_blank_values=False)
        if key in SEARCH_PARAMS and value.strip()
    ]
    return urlencode(sorted(pairs))


@transaction.atomic
def saved_search_create(*, member: Member, name: str, query: str) -> SavedSearch:
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Give the search a name."]
    elif len(name) > SAVED_SEARCH_NAME_MAX:
        errors["name"] = [f"At most {SAVED_SEARCH_NAME_MAX} characters."]
    elif problem := text_problem(name):
        errors["name"] = [problem]
    if errors:
        raise InvalidInput("The search could not be saved.", fields=errors)
    # Lock the member row: the count check and the insert happen together.
    Member.objects.select_for_update(of=("self",)).filter(pk=member.pk).first()
    if SavedSearch.objects.filter(member=member).count() >= SAVED_SEARCHES_MAX:
        raise InvalidInput(
            f"You can keep at most {SAVED_SEARCHES_MAX} saved searches.",
            fields={"name": [f"Delete one first: at most {SAVED_SEARCHES_MAX}."]},
            code="too_many_saved_searches",
        )
    saved, created = SavedSearch.objects.get_or_create(
        member=member, name=name, defaults={"query": search_query_clean(query)}
    )
    if not created:
        saved.query = search_query_clean(query)
        saved.save(update_fields=["query"])
    return saved


@transaction.atomic
def saved_search_delete(*, member: Member, saved_search_id: int) -> None:
    deleted, _ = SavedSearch.objects.filter(member=member, pk=saved_search_id).delete()
    if not deleted:
        raise NotFound("Saved search not found.")


# --- Image order --------------------------------------------------------------------------


@transaction.atomic
def listing_images_reorder(*, member: Member, listing_id: int, image_ids: list[int]) -> None:
    """Put the listing's images in the order given; the first is the cover picture."""
    supplier_require(member)
    listing = locks.listing_of_member_for_update(member=member, listing_id=listing_id)
    images = {image.pk: image for image in listing.images.all()}
    if sorted(image_ids) != sorted(images):
        raise InvalidInput(
            "The images changed meanwhile: reload the page.", fields={"image": ["Reload."]}
        )
    for position, image_id in enumerate(image_ids):
        image = images[image_id]
        if image.position != position:
            image.position = position
            image.save(update_fields=["position"])
    listing.save(update_fields=["updated_at"])
    search.index_listing(listing)


@transaction.atomic
def listing_image_move(*, member: Member, listing_id: int, image_id: int, offset: int) -> None:
    """Move one image up (-1) or down (+1): the no-JavaScript way to reorder."""
    supplier_require(member)
    listing = locks.listing_of_member_for_update(member=member, listing_id=listing_id)
    ids = list(listing.images.values_list("pk", flat=True))
    if image_id not in ids:
        raise NotFound("Image not found.")
    i = ids.index(image_id)
    j = max(0, min(len(ids) - 1, i + offset))
    ids[i], ids[j] = ids[j], ids[i]
    listing_images_reorder(member=member, listing_id=listing_id, image_ids=ids)


# --- A listing and its images in one step -------------------------------------------------


def _images_add(
    *, member: Member, listing: Listing, files: Sequence[UploadedFile], ip: str | None
) -> None:
    """Add each image; on any refusal remove the files already stored, then re-raise (the
    caller's transaction rolls the rows back, but storage is not transactional)."""
    added = []
    try:
        for i, upload in enumerate(files):
            try:
                added.append(
                    listing_image_add(member=member, listing_id=listing.pk, upload=upload, ip=ip)
                )
            except DomainError as exc:
                name = getattr(upload, "name", "") or f"#{i + 1}"
                problems = [p for ps in exc.fields.values() for p in ps] or [exc.message]
                raise InvalidInput(
                    exc.message,
                    fields={"image": [f"{name}: {p}" for p in problems]},
                    code=exc.code,
                ) from exc
    except Exception:
        for image in added:
            image.image.delete(save=False)
        raise


@transaction.atomic
def listing_create_with_images(
    *,
    member: Member,
    data: dict[str, Any],
    images: Sequence[UploadedFile] = (),
    publish: bool = True,
    ip: str | None = None,
) -> Listing:
    """Create a listing and add its images in one transaction: nothing is half-written."""
    listing = listing_create(member=member, data=data, publish=publish, ip=ip)
    _images_add(member=member, listing=listing, files=images, ip=ip)
    listing.refresh_from_db()
    return listing


@transaction.atomic
def listing_update_with_images(
    *,
    member: Member,
    listing_id: int,
    changes: dict[str, Any],
    images: Sequence[UploadedFile] = (),
    publish: bool = False,
    ip: str | None = None,
) -> Listing:
    """Edit a listing and add the new images in one transaction."""
    listing = listing_update(
        member=member, listing_id=listing_id, changes=changes, publish=publish, ip=ip
    )
    _images_add(member=member, listing=listing, files=images, ip=ip)
    listing.refresh_from_db()
    return listing
