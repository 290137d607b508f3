"""Clause 6.2 (iii): the listings a disciplinary action's cap takes out of view, and back.

The enforcement layer (trust) decides when a cap takes effect and ends; these functions only
move the listings, through the transition table, the listing's history and the search index
like every other move. A hidden listing (`capped`) is out of search and off every public
page at once (they all show published listings only) and carries the action's number in
`hidden_by_action`, so its supplier reads why, and the end of that action shows again exactly
the listings it hid that are still hidden: one the supplier took back to draft or deleted,
or staff removed, meanwhile stays where it is.

Which listings stay in view: the `cap` newest published ones, newest by first publication
(`published_at`, then the higher id); the older ones beyond the cap are hidden. Listings in
review are not in view and stay in the queue (they still take a slot, so the cap's gate
refuses new ones).
"""

from __future__ import annotations

from django.db import transaction

from tradepost.catalog.models import Listing, ListingStatus
from tradepost.catalog.rules import Action, Actor
from tradepost.catalog.services.listings import _move
from tradepost.members.models import Member, User

S = ListingStatus


@transaction.atomic
def listings_cap_apply(
    *, member: Member, cap: int, action_id: int, by: User | None, reason_text: str
) -> list[int]:
    """Clause 6.2 (iii): keep the member's `cap` newest published listings in view and hide
    the rest under action `action_id`. Answers the ids hidden, oldest first."""
    published = list(
        Listing.objects.select_for_update()
        .filter(supplier=member, status=S.PUBLISHED)
        .order_by("-published_at", "-pk")
    )
    over = sorted(published[max(cap, 0) :], key=lambda listing: listing.pk)
    for listing in over:
        listing.hidden_by_action = action_id
        _move(
            listing,
            to=S.CAPPED,
            actor=Actor.PLATFORM,
            action=Action.CAP,
            by=by,
            reason_text=reason_text[:2000],
            message=f"Your listing “{listing.title}” is hidden: it is over the listing cap "
            f"of {cap} set by disciplinary action #{action_id} (clause 6.2 (iii)).",
        )
    return [listing.pk for listing in over]


@transaction.atomic
def listings_cap_restore(
    *, member: Member, action_id: int, by: User | None, reason_text: str
) -> list[int]:
    """The action `action_id` ended: show again the listings it hid that are still hidden
    by it. Answers the ids shown again."""
    hidden = list(
        Listing.objects.select_for_update()
        .filter(supplier=member, status=S.CAPPED, hidden_by_action=action_id)
        .order_by("pk")
    )
    for listing in hidden:
        _move(
            listing,
            to=S.PUBLISHED,
            actor=Actor.PLATFORM,
            action=Action.UNCAP,
            by=by,
            reason_text=reason_text[:2000],
            message=f"Your listing “{listing.title}” is shown again: the listing cap of "
            f"disciplinary action #{action_id} has ended.",
        )
    return [listing.pk for listing in hidden]
