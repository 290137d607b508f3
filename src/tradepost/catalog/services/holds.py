"""Holding listings while a rights claim runs (clause 5.4), and what follows it (6.1 iv).

The enforcement layer (trust) decides; these functions only move the listings, through the
same transition table, audit trail and search index as every other move. A held listing is
out of search and off every public page at once (they all show published listings only);
released, it returns to the status it had, and a published one to its old place in search.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from tradepost.catalog.models import Listing, ListingStatus, ModerationReason
from tradepost.catalog.rules import Action, Actor
from tradepost.catalog.services.listings import _move
from tradepost.errors import InvalidInput
from tradepost.members.models import User

S = ListingStatus
HOLDABLE = (S.PUBLISHED, S.PENDING_REVIEW)
RELEASE_TO = (S.PUBLISHED, S.PENDING_REVIEW)


def _locked(listing_ids: Iterable[int]) -> list[Listing]:
    ids = sorted(set(listing_ids))
    return list(
        Listing.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("supplier")
        .order_by("pk")
    )


@transaction.atomic
def listings_hold(*, listing_ids: Iterable[int], reason_text: str) -> dict[int, str]:
    """Clause 5.4: hide the listings at once. Answers each listing's status before the hold
    (kept by the caller to release it later). Only published or queued listings are held."""
    listings = _locked(listing_ids)
    not_holdable = [listing.pk for listing in listings if listing.status not in HOLDABLE]
    if not_holdable:
        raise InvalidInput(
            "Only published listings or listings in review can be held.",
            fields={"listing_ids": [f"Not holdable: {not_holdable}."]},
            code="listing_not_holdable",
        )
    before: dict[int, str] = {}
    for listing in listings:
        before[listing.pk] = listing.status
        _move(
            listing,
            to=S.HELD,
            actor=Actor.PLATFORM,
            action=Action.HOLD,
            by=None,
            reason_code=ModerationReason.THIRD_PARTY_RIGHTS,
            reason_text=reason_text,
            message=f"Your listing “{listing.title}” is hidden while a rights claim is "
            "examined (clause 5.4).",
        )
    return before


@transaction.atomic
def listings_release(*, held: dict[int, str], by: User, reason_text: str) -> list[int]:
    """Staff release held listings to the status each had before the hold. Answers the ids
    released (a listing no longer held, e.g. deleted since, is left alone)."""
    released = []
    for listing in _locked(held):
        if listing.status != S.HELD:
            continue
        to = held[listing.pk] if held[listing.pk] in RELEASE_TO else S.PENDING_REVIEW
        _move(
            listing,
            to=to,
            actor=Actor.STAFF,
            action=Action.RELEASE,
            by=by,
            reason_text=reason_text,
            message=f"Your listing “{listing.title}” is shown again: the rights claim "
            "against it was not upheld.",
        )
        released.append(listing.pk)
    return released


@transaction.atomic
def listings_remove_held(
    *, listing_ids: Iterable[int], by: User | None, reason_text: str
) -> list[int]:
    """Clause 6.1 (iv): remove held listings that infringe Third Party Rights, by staff or
    (`by=None`) by the platform when the counter-notice deadline lapsed."""
    removed = []
    for listing in _locked(listing_ids):
        if listing.status != S.HELD:
            continue
        _move(
            listing,
            to=S.REMOVED,
            actor=Actor.STAFF if by is not None else Actor.PLATFORM,
            action=Action.REMOVE,
            by=by,
            reason_code=ModerationReason.THIRD_PARTY_RIGHTS,
            reason_text=reason_text,
            message=f"Your listing “{listing.title}” was removed: it infringes Third Party "
            "Rights (clause 6.1 (iv)).",
        )
        removed.append(listing.pk)
    return removed
