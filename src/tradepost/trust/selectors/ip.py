"""Reads about registered rights and rights claims. Never write (deadlines are processed by
`services.ip.ip_claims_process_due`, which the API calls before reading)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tradepost.errors import NotFound
from tradepost.members.models import Member
from tradepost.trust.models import IPClaim, IPRight


def _known(pk: int) -> bool:
    return isinstance(pk, int) and 0 < pk < 2**63


def rights_list(*, holder: Member | None = None, status: str = "") -> QuerySet[IPRight]:
    rows = IPRight.objects.select_related("holder", "reviewed_by").prefetch_related("documents")
    if holder is not None:
        rows = rows.filter(holder=holder)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("created_at", "id")


def right_get(right_id: int, *, holder: Member | None = None) -> IPRight:
    """One right; for a member only its own (404 alike for missing and not yours)."""
    right = rights_list(holder=holder).filter(pk=right_id).first() if _known(right_id) else None
    if right is None:
        raise NotFound("Right not found.")
    return right


def claims_list(*, member: Member | None = None, status: str = "") -> QuerySet[IPClaim]:
    """Claims; for a member those it filed (as holder) or that name its listings."""
    rows = IPClaim.objects.select_related(
        "right", "holder", "supplier", "complaint", "decided_by"
    ).prefetch_related("items", "counter_notice__documents")
    if member is not None:
        rows = rows.filter(Q(holder=member) | Q(supplier=member))
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("filed_at", "id")


def claim_get(claim_id: int, *, member: Member | None = None) -> IPClaim:
    claim = claims_list(member=member).filter(pk=claim_id).first() if _known(claim_id) else None
    if claim is None:
        raise NotFound("Claim not found.")
    return claim
