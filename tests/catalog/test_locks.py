"""The catalog's locking querysets lock only their own rows (PostgreSQL; SQLite never locks)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import listing_create
from tradepost.catalog import locks

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="FOR UPDATE OF is PostgreSQL's; SQLite ignores it"
)


def _locking_sql(queries) -> list[str]:
    return [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]


@pytest.mark.parametrize(
    "lock",
    [
        lambda supplier, listing: locks.listing_for_update(listing_id=listing.pk),
        lambda supplier, listing: locks.listing_of_member_for_update(
            member=supplier, listing_id=listing.pk
        ),
    ],
    ids=["listing_for_update", "listing_of_member_for_update"],
)
def test_listing_locks_lock_the_listing_row_only(supplier, lock):
    listing = listing_create(supplier)

    with CaptureQueriesContext(connection) as queries:
        locked = lock(supplier, listing)

    sql = _locking_sql(queries.captured_queries)
    assert locked.pk == listing.pk
    assert len(sql) == 1
    assert sql[0].endswith('FOR UPDATE OF "catalog_listing"')


def test_supplier_profile_lock_locks_the_profile_row_only(supplier):
    with CaptureQueriesContext(connection) as queries:
        profile = locks.supplier_profile_for_update(member=supplier)

    sql = _locking_sql(queries.captured_queries)
    assert profile.member_id == supplier.pk
    assert len(sql) == 1
    assert sql[0].endswith('FOR UPDATE OF "catalog_supplierprofile"')
