"""The index follows listing and supplier state in the same transaction (both backends)."""

import pytest
from django.db import connection

from tests.factories import (
    listing_create,
    member_create,
    search_category,
    searchable_listing,
    staff_create,
)
from tradepost.catalog import search, services
from tradepost.catalog.models import Listing, ListingStatus
from tradepost.catalog.search import schema
from tradepost.trust.services import member_change_status


def found(q: str) -> list[int]:
    query = search.parse_search_params({"q": q, "sort": "newest"})
    return [hit.id for hit in search.search(query).results]


def indexed_ids() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT listing_id FROM catalog_search_doc WHERE visible ORDER BY docid")
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def supplier(db):
    return member_create(country="CN", roles=["supplier"])


@pytest.fixture
def kitchen(db):
    return search_category("t-kitchen")


@pytest.fixture
def staff(db):
    return staff_create(username="moderator", superuser=True)


def test_publishing_through_the_service_makes_a_listing_findable(supplier):
    listing = listing_create(supplier, title="Forged flange DN80")

    assert listing.status == ListingStatus.PUBLISHED
    assert found("flange") == [listing.pk]


def test_a_draft_is_not_findable(supplier):
    listing_create(supplier, title="Forged flange DN80", publish=False)

    assert found("flange") == []


def test_withdrawing_a_listing_removes_it(supplier):
    listing = listing_create(supplier, title="Forged flange DN80")

    services.listing_withdraw(member=supplier, listing_id=listing.pk)

    assert found("flange") == []


def test_deleting_a_listing_removes_it(supplier):
    listing = listing_create(supplier, title="Forged flange DN80")

    services.listing_delete(member=supplier, listing_id=listing.pk)

    assert found("flange") == []


def test_staff_removal_removes_it(supplier, staff):
    listing = listing_create(supplier, title="Forged flange DN80")

    services.listing_moderate(
        listing_id=listing.pk,
        by=staff,
        decision="remove",
        reason_code="third_party_rights",
        reason_text="Complaint 7.",
    )

    assert found("flange") == []


@pytest.mark.parametrize("status", ["draft", "pending_review", "rejected", "removed"])
def test_leaving_published_removes_it(supplier, kitchen, status):
    listing = searchable_listing(supplier, kitchen, title="Cast iron pan")

    listing.status = status
    listing.save()
    search.index_listing(listing)

    assert found("pan") == []
    assert indexed_ids() == []


def test_an_edited_title_is_found_by_its_new_words_only(supplier):
    listing = listing_create(supplier, title="Slip-on flange DN80")

    services.listing_update(
        member=supplier, listing_id=listing.pk, changes={"title": "Blind flange DN100"}
    )

    assert (found("blind"), found("dn100")) == ([listing.pk], [listing.pk])
    assert (found("slip"), found("dn80")) == ([], [])
    assert found("flange") == [listing.pk]


def test_edited_keywords_and_description_replace_the_old_words(supplier, kitchen):
    listing = searchable_listing(
        supplier, kitchen, title="Pan", keywords=["skillet"], description="Cast iron."
    )

    listing.keywords = ["griddle"]
    listing.description = "Carbon steel."
    listing.save()
    search.index_listing(listing)

    assert (found("skillet"), found("iron")) == ([], [])
    assert (found("griddle"), found("carbon")) == ([listing.pk], [listing.pk])


def test_a_listing_deleted_from_the_database_leaves_the_index(supplier, kitchen):
    listing = searchable_listing(supplier, kitchen, title="Cast iron pan")

    Listing.objects.filter(pk=listing.pk).delete()

    assert found("pan") == []
    assert indexed_ids() == []


def test_suspending_a_supplier_hides_its_listings_at_once_and_reinstating_restores_them(
    supplier, kitchen, staff
):
    other = member_create(country="DE", roles=["supplier"])
    first = searchable_listing(supplier, kitchen, title="Pan one")
    theirs = searchable_listing(other, kitchen, title="Pan two")
    last = searchable_listing(supplier, kitchen, title="Pan three")

    member_change_status(member=supplier, to_status="suspended", reason="Fraud check.", by=staff)
    hidden = found("pan")
    member_change_status(member=supplier, to_status="active", reason="Cleared.", by=staff)

    assert hidden == [theirs.pk]
    assert found("pan") == [last.pk, theirs.pk, first.pk]


def test_a_terminated_supplier_stays_hidden(supplier, kitchen, staff):
    searchable_listing(supplier, kitchen, title="Cast iron pan")

    member_change_status(member=supplier, to_status="terminated", reason="Breach.", by=staff)

    assert found("pan") == []


def test_a_suspended_suppliers_listing_is_not_indexed_when_edited(supplier, kitchen, staff):
    listing = searchable_listing(supplier, kitchen, title="Cast iron pan")
    member_change_status(member=supplier, to_status="suspended", reason="Fraud check.", by=staff)

    listing.title = "Cast iron skillet"
    listing.save()
    search.index_listing(listing)

    assert found("skillet") == []


def test_a_republished_listing_counts_as_new(supplier, kitchen):
    first = searchable_listing(supplier, kitchen, title="Pan one")
    second = searchable_listing(supplier, kitchen, title="Pan two")

    services.listing_withdraw(member=supplier, listing_id=first.pk)
    services.listing_submit(member=supplier, listing_id=first.pk)

    assert found("pan") == [first.pk, second.pk]


def test_rebuilding_the_index_gives_the_same_answers(supplier, kitchen):
    searchable_listing(supplier, kitchen, title="Pan one", keywords=["skillet"])
    searchable_listing(supplier, kitchen, title="Pan two", status="draft")
    searchable_listing(supplier, kitchen, title="Pan three")
    before = (found("pan"), found("skillet"), indexed_ids())

    assert search.rebuild_index() == 2
    assert (found("pan"), found("skillet"), indexed_ids()) == before


def test_index_listing_ignores_a_listing_without_a_key(supplier, kitchen):
    search.index_listing(Listing(title="Never saved"))

    assert indexed_ids() == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite drops triggers on a remake")
def test_the_guard_restores_a_dropped_trigger_and_rebuilds(supplier, kitchen):
    listing = searchable_listing(supplier, kitchen, title="Cast iron pan")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER catalog_search_listing_text")
    Listing.objects.filter(pk=listing.pk).update(title="Cast iron skillet")

    restored = schema.ensure_triggers(connection)
    search.rebuild_index()

    assert restored == ["catalog_search_listing_text"]
    assert (found("skillet"), found("pan")) == ([listing.pk], [])


def test_the_guard_sql_is_the_sql_the_migration_created(db):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            wanted = schema.SQLITE_TRIGGERS
        else:
            cursor.execute(
                "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger "
                "WHERE tgrelid = 'catalog_listing'::regclass AND NOT tgisinternal"
            )
            wanted = schema.POSTGRES_TRIGGERS
        in_database = dict(cursor.fetchall())

    assert set(wanted) <= set(in_database)
    if connection.vendor == "sqlite":
        assert {name: in_database[name] for name in wanted} == wanted
