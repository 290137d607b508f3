"""Related accounts for staff (clause 6.2 (i)): a member's cluster with the evidence for each
link, and marking a link a false positive.

- `GET /api/v1/staff/members/{member_id}/related` → `{"member_id", "cluster": [...],
  "links": [{"id", "a", "b", "kind", "evidence", ...}]}`: one entry per kind a link rests on.
- `POST /api/v1/staff/links/{id}/false-positive` `{"reason"}`: the link stops linking.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from tradepost.errors import NotFound
from tradepost.members.models import Member
from tradepost.members.requests import request_user
from tradepost.trust.api.common import staff_permission
from tradepost.trust.models.links import Link
from tradepost.trust.selectors import links as selectors
from tradepost.trust.services import links as services

router = Router()


class LinkKindOut(Schema):
    id: int
    a: str
    b: str
    kind: str
    evidence: str
    kinds: list[str]
    status: str
    first_seen: datetime


class RelatedOut(Schema):
    member_id: str
    cluster: list[str]
    links: list[LinkKindOut]


class FalsePositiveIn(Schema):
    reason: str = Field(..., max_length=services.REASON_MAX_LENGTH)


class LinkOut(Schema):
    id: int
    a: str
    b: str
    kinds: list[str]
    evidence: dict[str, str]
    status: str
    false_positive_kinds: list[str]
    false_positive_reason: str
    decided_by: str | None
    decided_at: datetime | None


def _link_out(link: Link) -> dict[str, Any]:
    return {
        "id": link.pk,
        "a": link.a.member_id,
        "b": link.b.member_id,
        "kinds": link.kinds,
        "evidence": link.evidence,
        "status": link.status,
        "false_positive_kinds": link.false_positive_kinds,
        "false_positive_reason": link.false_positive_reason,
        "decided_by": link.decided_by.username if link.decided_by else None,
        "decided_at": link.decided_at,
    }


@router.get("/members/{member_id}/related", response=RelatedOut)
@staff_permission("trust.view_link")
def member_related(request: HttpRequest, member_id: str) -> dict[str, Any]:
    """Clause 6.2 (i): the member's related accounts (its cluster, the member first) and the
    active links inside it, one entry per kind of evidence."""
    member = Member.objects.filter(member_id=member_id[:16]).first()
    if member is None:
        raise NotFound("No such member.", code="member_not_found")
    links = [
        {
            "id": link.pk,
            "a": link.a.member_id,
            "b": link.b.member_id,
            "kind": kind,
            "evidence": link.evidence.get(kind, kind),
            "kinds": link.kinds,
            "status": link.status,
            "first_seen": link.first_seen,
        }
        for link in selectors.cluster_links(member)
        for kind in selectors.kinds_by_strength(link.kinds)
    ]
    return {
        "member_id": member.member_id,
        "cluster": selectors.related_member_ids(member),
        "links": links,
    }


@router.post("/links/{link_id}/false-positive", response=LinkOut)
@staff_permission("trust.change_link")
def link_false_positive(
    request: HttpRequest, link_id: int, payload: FalsePositiveIn
) -> dict[str, Any]:
    """Clause 6.2 (i): the link is wrong. It stops linking at once (the cluster is recomputed)
    and links again only on new evidence of a kind not marked now. Reason required."""
    link = services.link_false_positive(
        link_id=link_id, by=request_user(request), reason=payload.reason
    )
    return _link_out(link)
