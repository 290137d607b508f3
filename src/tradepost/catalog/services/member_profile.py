"""A member's profile edit as the catalog sees it (clause 5.2): listings keep the supplier's
country, and search its role, in step.

The member side (`members.services.member_update_profile`: the revision, the contracting
entity, the 4.1 identifiers) is below the catalog, so the catalog orchestrates the edit: the
profile page and `PATCH /api/v1/members/me` call this, never the member service alone.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tradepost.catalog import search
from tradepost.catalog.models import Listing
from tradepost.members.models import Member, User
from tradepost.members.services import member_update_profile


@transaction.atomic
def member_profile_update(
    *, member: Member, by: User, changes: dict[str, Any], ip: str | None
) -> Member:
    """Clause 5.2: keep information current; each edit is a revision (who, when, what).

    A change of country is copied to the supplier's listings (`Listing.supplier_country`,
    which the search country filter and facet read) and a change of country or role
    re-reads the supplier's listings in the index, in the same transaction.
    """
    before = Member.objects.select_for_update().values("country", "is_supplier").get(pk=member.pk)
    member = member_update_profile(member=member, by=by, changes=changes, ip=ip)
    if member.country != before["country"]:
        Listing.objects.filter(supplier=member).update(supplier_country=member.country)
    if member.country != before["country"] or member.is_supplier != before["is_supplier"]:
        search.supplier_changed(member_pk=member.pk)
    return member
