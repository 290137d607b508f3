"""The catalog's locking querysets: every read-modify-write of listings and profiles.

Each locks only its own rows (`of=("self",)`): on PostgreSQL a plain `select_for_update()`
with `select_related` would also lock the joined category, member and user rows, and so
block unrelated writes to them (a member's login, a category sync) until the commit.
"""

from __future__ import annotations

from tradepost.catalog.models import Listing, SupplierProfile
from tradepost.catalog.policy import load_membership_tiers
from tradepost.errors import NotFound
from tradepost.members.models import Member

LISTING_NOT_FOUND = "Listing not found."


def listing_of_member_for_update(*, member: Member, listing_id: int) -> Listing:
    """404 alike for a missing listing and someone else's."""
    listing = (
        Listing.objects.select_for_update(of=("self",))
        .filter(pk=listing_id, supplier_id=member.pk)
        .select_related("category", "supplier")
        .first()
    )
    if listing is None:
        raise NotFound(LISTING_NOT_FOUND)
    return listing


def listing_for_update(*, listing_id: int) -> Listing:
    listing = (
        Listing.objects.select_for_update(of=("self",))
        .filter(pk=listing_id)
        .select_related("category", "supplier", "supplier__user")
        .first()
    )
    if listing is None:
        raise NotFound(LISTING_NOT_FOUND)
    return listing


def supplier_profile_for_update(*, member: Member) -> SupplierProfile:
    """The supplier's profile row, locked: it serialises listing-cap checks (6.2 iii)."""
    SupplierProfile.objects.get_or_create(
        member=member, defaults={"membership_tier": load_membership_tiers().default_tier}
    )
    return SupplierProfile.objects.select_for_update(of=("self",)).get(member=member)
