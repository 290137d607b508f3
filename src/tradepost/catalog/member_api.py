"""`GET` and `PATCH /api/v1/members/me`: the member's account and its profile edits (5.2).

In the catalog layer because a profile edit keeps the supplier's listings in step
(`catalog.services.member_profile_update`); one router holds both methods of the path. The
schemas are the members API's.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from tradepost.catalog.services import member_profile_update
from tradepost.http import client_ip
from tradepost.members import selectors
from tradepost.members.api import MemberOut, MemberPatch, request_member
from tradepost.members.requests import AuthenticatedRequest

router = Router()


@router.get("/members/me", response=MemberOut)
def me(request: HttpRequest) -> dict:
    """The member's account: ID, status, site, contracting entity, law, courts, notice address."""
    return selectors.member_profile(request_member(request))


@router.patch("/members/me", response=MemberOut)
def update_me(request: AuthenticatedRequest, payload: MemberPatch) -> dict:
    """Keep your information current (clause 5.2). Every edit is kept as a revision."""
    member = member_profile_update(
        member=request_member(request),
        by=request.user,
        changes=payload.dict(exclude_unset=True),
        ip=client_ip(request),
    )
    return selectors.member_profile(member)
