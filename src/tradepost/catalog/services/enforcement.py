"""Clause 6.2 (iii): staff remove a member's listings as a disciplinary action.

Called by enforcement (`trust`), which tells the member once, in the action's own notice, so
no listing carries a notice of its own. Every move goes through the transition table and is
indexed like any other.
"""

from __future__ import annotations

from django.db import transaction

from tradepost.catalog.models import Listing, ListingStatus, ModerationReason
from tradepost.catalog.rules import Action, Actor
from tradepost.catalog.services.listings import _move
from tradepost.members.models import Member, User

# What staff may remove (rules.TRANSITIONS): a draft is not shown, so it stays the member's.
REMOVABLE = (
    ListingStatus.PUBLISHED,
    ListingStatus.PENDING_REVIEW,
    ListingStatus.REJECTED,
    ListingStatus.CAPPED,
)


@transaction.atomic
def listings_remove_for_action(*, member: Member, by: User, reason_text: str) -> list[int]:
    """Clause 6.2 (iii): remove every shown or queued listing of the member; the IDs removed."""
    listings = list(
        Listing.objects.select_for_update()
        .filter(supplier=member, status__in=REMOVABLE)
        .order_by("pk")
    )
    for listing in listings:
        _move(
            listing,
            to=ListingStatus.REMOVED,
            actor=Actor.STAFF,
            action=Action.REMOVE,
            by=by,
            reason_code=ModerationReason.BREACHES_TERMS,
            reason_text=reason_text[:2000],
        )
    return [listing.pk for listing in listings]
