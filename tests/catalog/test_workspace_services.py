"""Favourites, saved searches and image order (catalog.services.workspace)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from tests.factories import image_bytes, listing_create, member_create
from tradepost.catalog import selectors, services
from tradepost.catalog.models import (
    FavouriteListing,
    FavouriteSupplier,
    Listing,
    ListingImage,
    SavedSearch,
)
from tradepost.errors import InvalidInput, NotFound


@pytest.fixture
def buyer(db):
    return member_create(country="US", roles=["buyer"])


def _png(name: str = "a.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("PNG"), content_type="image/png")


def test_saving_a_listing_twice_keeps_one_row(buyer, supplier):
    listing = listing_create(supplier)

    first = services.favourite_listing_add(member=buyer, listing_id=listing.pk)
    second = services.favourite_listing_add(member=buyer, listing_id=listing.pk)

    assert first.pk == second.pk
    assert FavouriteListing.objects.filter(member=buyer).count() == 1


def test_the_database_refuses_a_second_favourite_of_the_same_listing(buyer, supplier):
    listing = listing_create(supplier)
    FavouriteListing.objects.create(member=buyer, listing=listing)

    with pytest.raises(IntegrityError), transaction.atomic():
        FavouriteListing.objects.create(member=buyer, listing=listing)


def test_the_database_refuses_a_second_favourite_of_the_same_supplier(buyer, supplier):
    FavouriteSupplier.objects.create(member=buyer, supplier=supplier)

    with pytest.raises(IntegrityError), transaction.atomic():
        FavouriteSupplier.objects.create(member=buyer, supplier=supplier)


def test_toggle_saves_then_unsaves(buyer, supplier):
    listing = listing_create(supplier)

    assert services.favourite_listing_toggle(member=buyer, listing_id=listing.pk) is True
    assert selectors.is_favourite_listing(member=buyer, listing_id=listing.pk) is True
    assert services.favourite_listing_toggle(member=buyer, listing_id=listing.pk) is False
    assert FavouriteListing.objects.filter(member=buyer).count() == 0


def test_a_draft_cannot_be_saved(buyer, supplier):
    draft = listing_create(supplier, publish=False)

    with pytest.raises(NotFound) as exc:
        services.favourite_listing_add(member=buyer, listing_id=draft.pk)

    assert exc.value.message == "Listing not found."


def test_a_saved_listing_taken_down_leaves_the_favourites(buyer, supplier):
    listing = listing_create(supplier)
    services.favourite_listing_add(member=buyer, listing_id=listing.pk)

    services.listing_withdraw(member=supplier, listing_id=listing.pk)

    assert selectors.favourite_listings_of(member=buyer) == []
    assert selectors.favourite_counts(member=buyer) == {"listings": 0, "suppliers": 0}


def test_supplier_favourites_by_member_id(buyer, supplier):
    listing_create(supplier)

    assert services.favourite_supplier_toggle(member=buyer, supplier_member_id=supplier.member_id)
    (fav,) = selectors.favourite_suppliers_of(member=buyer)
    assert fav.supplier == supplier
    assert fav.published == 1
    assert not services.favourite_supplier_toggle(
        member=buyer, supplier_member_id=supplier.member_id
    )
    assert FavouriteSupplier.objects.count() == 0


def test_a_buyer_is_not_a_supplier_to_save(buyer):
    other = member_create(roles=["buyer"])

    with pytest.raises(NotFound):
        services.favourite_supplier_add(member=buyer, supplier_member_id=other.member_id)


def test_a_supplier_cannot_save_themselves(supplier):
    with pytest.raises(InvalidInput) as exc:
        services.favourite_supplier_add(member=supplier, supplier_member_id=supplier.member_id)

    assert exc.value.fields == {"supplier": ["That is you."]}


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("?q=pump&page=3&country=CN", "country=CN&q=pump"),
        ("q=&verified=1&evil=x", "verified=1"),
        ("", ""),
        ("q=caf%C3%A9+cups&sort=price", "q=caf%C3%A9+cups&sort=price"),
    ],
)
def test_a_saved_search_keeps_only_the_search_parameters_in_use(raw, kept):
    assert services.search_query_clean(raw) == kept


def test_saved_search_create_list_and_delete(buyer):
    saved = services.saved_search_create(member=buyer, name=" Pumps from China ", query="q=pump")

    assert saved.name == "Pumps from China"
    assert saved.query == "q=pump"
    assert selectors.saved_searches_of(member=buyer) == [saved]
    services.saved_search_delete(member=buyer, saved_search_id=saved.pk)
    assert SavedSearch.objects.count() == 0


def test_saving_under_the_same_name_replaces_the_query(buyer):
    services.saved_search_create(member=buyer, name="Pumps", query="q=pump")
    services.saved_search_create(member=buyer, name="Pumps", query="q=pump&country=CN")

    assert SavedSearch.objects.get(member=buyer).query == "country=CN&q=pump"


def test_a_saved_search_needs_a_name(buyer):
    with pytest.raises(InvalidInput) as exc:
        services.saved_search_create(member=buyer, name="  ", query="q=pump")

    assert exc.value.fields == {"name": ["Give the search a name."]}


def test_saved_searches_are_limited(buyer, monkeypatch):
    from tradepost.catalog.services import workspace

    monkeypatch.setattr(workspace, "SAVED_SEARCHES_MAX", 2)
    services.saved_search_create(member=buyer, name="a", query="q=a")
    services.saved_search_create(member=buyer, name="b", query="q=b")

    with pytest.raises(InvalidInput) as exc:
        services.saved_search_create(member=buyer, name="c", query="q=c")

    assert exc.value.code == "too_many_saved_searches"
    assert SavedSearch.objects.filter(member=buyer).count() == 2


def test_someone_elses_saved_search_is_not_found(buyer):
    saved = services.saved_search_create(member=buyer, name="mine", query="q=a")
    other = member_create(roles=["buyer"])

    with pytest.raises(NotFound):
        services.saved_search_delete(member=other, saved_search_id=saved.pk)
    assert SavedSearch.objects.count() == 1


def test_create_with_images_adds_them_in_order(supplier):
    listing = services.listing_create_with_images(
        member=supplier,
        data=_payload(),
        images=[_png("one.png"), _png("two.png"), _png("three.png")],
    )

    images = list(listing.images.all())
    assert [i.position for i in images] == [0, 1, 2]
    assert len(images) == 3


def test_a_refused_image_rolls_the_new_listing_back(supplier):
    bad = SimpleUploadedFile("notes.png", b"not an image", content_type="image/png")

    with pytest.raises(InvalidInput) as exc:
        services.listing_create_with_images(member=supplier, data=_payload(), images=[_png(), bad])

    assert list(exc.value.fields) == ["image"]
    assert exc.value.fields["image"][0].startswith("notes.png: ")
    assert Listing.objects.count() == 0
    assert ListingImage.objects.count() == 0


def test_images_move_up_and_down(supplier):
    listing = services.listing_create_with_images(
        member=supplier, data=_payload(), images=[_png(), _png(), _png()]
    )
    a, b, c = (i.pk for i in listing.images.all())

    services.listing_image_move(member=supplier, listing_id=listing.pk, image_id=c, offset=-1)
    assert list(listing.images.values_list("pk", flat=True)) == [a, c, b]
    services.listing_image_move(member=supplier, listing_id=listing.pk, image_id=a, offset=-1)
    assert list(listing.images.values_list("pk", flat=True)) == [a, c, b]
    services.listing_images_reorder(member=supplier, listing_id=listing.pk, image_ids=[b, a, c])
    assert list(listing.images.values_list("pk", flat=True)) == [b, a, c]


def test_reorder_with_other_ids_is_refused(supplier):
    listing = services.listing_create_with_images(
        member=supplier, data=_payload(), images=[_png(), _png()]
    )
    a, _b = (i.pk for i in listing.images.all())

    with pytest.raises(InvalidInput):
        services.listing_images_reorder(member=supplier, listing_id=listing.pk, image_ids=[a])


def _payload() -> dict:
    from tests.factories import listing_payload

    return listing_payload()
