"""Clause 6.2 (iii): what a listing cap does to the listings already published.

A `cap_listings` action stops new listings beyond the cap (the gate, `tradepost.gates`) and,
on taking effect, takes the member's published listings beyond it out of view: the catalog
keeps the `cap` newest (by first publication) and hides the rest under the action's number
(`catalog.services.caps`). When the action is lifted or expires, the listings it hid that are
still hidden are shown again; one the supplier took back to draft or deleted, or staff
removed, meanwhile stays so. A lower cap still in force then hides what is over it. Both
steps write an audit row ("action.listings_hidden", "action.listings_restored").
"""

from __future__ import annotations

from datetime import datetime

from tradepost.audit.services import audit_record
from tradepost.catalog.services import listings_cap_apply, listings_cap_restore
from tradepost.members.models import Member, User
from tradepost.trust.models.actions import Action
from tradepost.trust.selectors.actions import listing_cap_in_force


def cap_hide(action: Action, *, member: Member, cap: int, by: User, cause: str) -> list[int]:
    """Clause 6.2 (iii): a listing cap takes the member's published listings beyond it out of
    view (the catalog keeps the `cap` newest) and says so in the audit trail."""
    hidden = listings_cap_apply(
        member=member,
        cap=cap,
        action_id=action.pk,
        by=by,
        reason_text=f"Action #{action.pk} (clause {action.clause}): {action.reason}",
    )
    audit_record(
        actor=by,
        action="action.listings_hidden",
        target_type="action",
        target_id=action.pk,
        member_id=member.member_id,
        reason=f"Over the listing cap of {cap} ({cause}).",
        clause=action.clause,
        after={"cap": cap, "hidden_listing_ids": hidden},
    )
    return hidden


def cap_end(action: Action, *, member: Member, by: User, now: datetime) -> None:
    """Clause 6.2 (iii): a cap that ends shows again the listings it hid that are still
    hidden by it (one the supplier withdrew or deleted meanwhile stays so); a lower cap still
    in force then hides, under its own action, what is over it."""
    shown = listings_cap_restore(
        member=member,
        action_id=action.pk,
        by=by,
        reason_text=f"Action #{action.pk} (clause {action.clause}) ended.",
    )
    audit_record(
        actor=by,
        action="action.listings_restored",
        target_type="action",
        target_id=action.pk,
        member_id=member.member_id,
        reason="The listing cap ended.",
        clause=action.clause,
        after={"restored_listing_ids": shown},
    )
    heir = listing_cap_in_force(member, now)
    if heir is not None and shown:
        other = Action.objects.select_for_update().get(pk=heir.action_id)
        hidden = cap_hide(
            other, member=member, cap=heir.cap, by=by, cause=f"action #{action.pk} ended"
        )
        if hidden:
            other.evidence = {
                **other.evidence,
                "hidden_listing_ids": sorted(
                    {*other.evidence.get("hidden_listing_ids", []), *hidden}
                ),
            }
            other.save(update_fields=["evidence"])
