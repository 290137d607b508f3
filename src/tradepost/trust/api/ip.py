"""Rights claims, notice and counter-notice (clauses 5.4, 6.1 iv): the rights holders' and
suppliers' operations under /api/v1/ip/, staff review and decisions under /api/v1/staff/ip/.

Every read of a claim first lapses it if its counter-notice deadline passed without one, so
what a client sees never waits for `tradepost trust ip-deadlines` to run.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from tradepost.api_paging import LimitOffsetPaging
from tradepost.members.models import Member
from tradepost.trust.api.cases import _Mapped, _member
from tradepost.trust.api.common import staff_permission, staff_user
from tradepost.trust.api.files import ip_document_url
from tradepost.trust.models import IPClaim, IPDocument, IPRight
from tradepost.trust.selectors import ip as selectors
from tradepost.trust.services import ip as services

router = Router()  # staff, under /api/v1/staff/
member_router = Router()  # members, under /api/v1/


class RightIn(Schema):
    kind: str = Field(..., max_length=16, description='"trademark", "copyright" or "patent".')
    number: str = Field(..., max_length=100)
    jurisdiction: str = Field(..., max_length=16, description="ISO country code, EU or WIPO.")
    title: str = Field(..., max_length=200, description="The mark, work or invention.")


class DocumentOut(Schema):
    id: int
    name: str
    url: str | None = Field(
        ...,
        description="The download: staff's, or the member's own (the rights holder's for its "
        "right, the supplier's for its counter-notice); null for a file you may not download.",
    )
    content_type: str
    size: int
    uploaded_at: datetime


class RightOut(Schema):
    id: int
    holder_member_id: str
    kind: str
    number: str
    jurisdiction: str
    title: str
    status: str
    created_at: datetime
    reviewed_at: datetime | None
    review_reason: str
    documents: list[DocumentOut]


class ReviewIn(Schema):
    decision: Literal["approve", "reject"]
    reason: str = Field(..., min_length=1, max_length=5_000)


class ClaimIn(Schema):
    right_id: int
    listing_ids: list[int] = Field(..., min_length=1, max_length=10_000)
    description: str = Field(..., min_length=1, max_length=10_000)


class CounterNoticeIn(Schema):
    statement: str = Field(..., min_length=1, max_length=20_000)


class CounterNoticeOut(Schema):
    statement: str
    filed_at: datetime
    documents: list[DocumentOut]


class ClaimOut(Schema):
    id: int
    right_id: int
    holder_member_id: str
    supplier_member_id: str
    complaint_id: int
    case_id: int
    description: str
    status: str
    listing_ids: list[int]
    filed_at: datetime
    counter_notice_due: datetime
    counter_notice: CounterNoticeOut | None
    decided_at: datetime | None
    decision_reason: str


class ClaimDecideIn(Schema):
    decision: Literal["remove", "restore"]
    reason: str = Field(..., min_length=1, max_length=5_000)


class StatusQuery(Schema):
    status: str = Field("", max_length=16)


def _document_out(d: IPDocument, *, url: str | None) -> dict[str, Any]:
    return {
        "id": d.pk,
        "name": d.name,
        "url": url,
        "content_type": d.content_type,
        "size": d.size,
        "uploaded_at": d.uploaded_at,
    }


def right_out(r: IPRight, *, staff: bool = False) -> dict[str, Any]:
    """A right; its documents' downloads are staff's or (by default) its holder's."""
    return {
        "id": r.pk,
        "holder_member_id": r.holder.member_id,
        "kind": r.kind,
        "number": r.number,
        "jurisdiction": r.jurisdiction,
        "title": r.title,
        "status": r.status,
        "created_at": r.created_at,
        "reviewed_at": r.reviewed_at,
        "review_reason": r.review_reason,
        "documents": [
            _document_out(d, url=ip_document_url(d, staff=staff)) for d in r.documents.all()
        ],
    }


def claim_out(c: IPClaim, *, viewer: Member | None = None) -> dict[str, Any]:
    """A claim as staff (`viewer` None) or one of its parties see it: the counter-notice's
    evidence downloads are staff's and the supplier's; the rights holder sees the list."""
    notice = getattr(c, "counter_notice", None)

    def url(d: IPDocument) -> str | None:
        if viewer is None:
            return ip_document_url(d, staff=True)
        return ip_document_url(d, staff=False) if viewer.pk == c.supplier_id else None

    return {
        "id": c.pk,
        "right_id": c.right_id,
        "holder_member_id": c.holder.member_id,
        "supplier_member_id": c.supplier.member_id,
        "complaint_id": c.complaint_id,
        "case_id": c.complaint.case_id,
        "description": c.description,
        "status": c.status,
        "listing_ids": sorted(item.listing_id for item in c.items.all()),
        "filed_at": c.filed_at,
        "counter_notice_due": c.counter_notice_due,
        "counter_notice": (
            {
                "statement": notice.statement,
                "filed_at": notice.filed_at,
                "documents": [_document_out(d, url=url(d)) for d in notice.documents.all()],
            }
            if notice
            else None
        ),
        "decided_at": c.decided_at,
        "decision_reason": c.decision_reason,
    }


# --- Rights holders and suppliers ---------------------------------------------------------


@member_router.post("/ip/rights", response={201: RightOut})
def right_register(request: HttpRequest, payload: RightIn) -> Status[dict[str, Any]]:
    """Register a trademark, copyright or patent once; upload its documents, then staff
    review it. Claims rest on an approved right."""
    right = services.ip_right_register(
        holder=_member(request),
        kind=payload.kind,
        number=payload.number,
        jurisdiction=payload.jurisdiction,
        title=payload.title,
    )
    return Status(201, right_out(selectors.right_get(right.pk)))


@member_router.get("/ip/rights", response=list[RightOut])
@paginate(LimitOffsetPaging)
def right_list(request: HttpRequest) -> list[dict[str, Any]]:
    return _Mapped(selectors.rights_list(holder=_member(request)), right_out)  # type: ignore[return-value]


@member_router.get("/ip/rights/{right_id}", response=RightOut)
def right_detail(request: HttpRequest, right_id: int) -> dict[str, Any]:
    return right_out(selectors.right_get(right_id, holder=_member(request)))


@member_router.post("/ip/rights/{right_id}/documents", response={201: RightOut})
def right_document_add(
    request: HttpRequest, right_id: int, document: File[UploadedFile], name: Form[str] = ""
) -> Status[dict[str, Any]]:
    """A registration certificate or other proof (PDF or image, at most 10 MB; multipart
    `document`, optional `name`), while the right awaits review."""
    member = _member(request)
    services.ip_right_document_add(holder=member, right_id=right_id, upload=document, name=name)
    return Status(201, right_out(selectors.right_get(right_id, holder=member)))


@member_router.post("/ip/claims", response={201: ClaimOut})
def claim_file(request: HttpRequest, payload: ClaimIn) -> Status[dict[str, Any]]:
    """Claim that listings of one supplier infringe your approved right (clause 5.4): they
    are hidden at once and the supplier may file a counter-notice by `counter_notice_due`."""
    claim = services.ip_claim_file(
        holder=_member(request),
        right_id=payload.right_id,
        listing_ids=payload.listing_ids,
        description=payload.description,
    )
    return Status(201, claim_out(selectors.claim_get(claim.pk), viewer=claim.holder))


@member_router.get("/ip/claims", response=list[ClaimOut])
@paginate(LimitOffsetPaging)
def claim_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Claims you filed and claims against your listings, oldest first."""
    member = _member(request)
    rows = selectors.claims_list(member=member)
    services.ip_claims_process_due(claim_ids=list(rows.values_list("pk", flat=True)))
    return _Mapped(selectors.claims_list(member=member), lambda c: claim_out(c, viewer=member))  # type: ignore[return-value]


@member_router.get("/ip/claims/{claim_id}", response=ClaimOut)
def claim_detail(request: HttpRequest, claim_id: int) -> dict[str, Any]:
    member = _member(request)
    selectors.claim_get(claim_id, member=member)
    services.ip_claims_process_due(claim_ids=[claim_id])
    return claim_out(selectors.claim_get(claim_id, member=member), viewer=member)


@member_router.post("/ip/claims/{claim_id}/counter-notice", response={201: ClaimOut})
def counter_notice_file(
    request: HttpRequest, claim_id: int, payload: CounterNoticeIn
) -> Status[dict[str, Any]]:
    """The supplier's counter-notice, by the deadline; evidence files may follow at
    `.../counter-notice/documents` until staff decide."""
    member = _member(request)
    services.ip_claims_process_due(claim_ids=[claim_id])
    services.ip_counter_notice_file(supplier=member, claim_id=claim_id, statement=payload.statement)
    return Status(201, claim_out(selectors.claim_get(claim_id, member=member), viewer=member))


@member_router.post("/ip/claims/{claim_id}/counter-notice/documents", response={201: ClaimOut})
def counter_notice_document_add(
    request: HttpRequest, claim_id: int, document: File[UploadedFile], name: Form[str] = ""
) -> Status[dict[str, Any]]:
    """Evidence for the counter-notice (PDF or image, at most 10 MB; multipart `document`)."""
    member = _member(request)
    services.ip_counter_notice_document_add(
        supplier=member, claim_id=claim_id, upload=document, name=name
    )
    return Status(201, claim_out(selectors.claim_get(claim_id, member=member), viewer=member))


# --- Staff --------------------------------------------------------------------------------


@router.get("/ip/rights", response=list[RightOut])
@paginate(LimitOffsetPaging)
@staff_permission("trust.view_ipright")
def staff_right_list(request: HttpRequest, filters: Query[StatusQuery]) -> list[dict[str, Any]]:
    return _Mapped(selectors.rights_list(status=filters.status), lambda r: right_out(r, staff=True))  # type: ignore[return-value]


@router.get("/ip/rights/{right_id}", response=RightOut)
@staff_permission("trust.view_ipright")
def staff_right_detail(request: HttpRequest, right_id: int) -> dict[str, Any]:
    return right_out(selectors.right_get(right_id), staff=True)


@router.post("/ip/rights/{right_id}/review", response=RightOut)
@staff_permission("trust.review_ipright")
def staff_right_review(request: HttpRequest, right_id: int, payload: ReviewIn) -> dict[str, Any]:
    """Approve the right on its documents, or reject it, with the reason."""
    services.ip_right_review(
        right_id=right_id,
        by=staff_user(request, "trust.review_ipright"),
        approve=payload.decision == "approve",
        reason=payload.reason,
    )
    return right_out(selectors.right_get(right_id), staff=True)


@router.get("/ip/claims", response=list[ClaimOut])
@paginate(LimitOffsetPaging)
@staff_permission("trust.view_ipclaim")
def staff_claim_list(request: HttpRequest, filters: Query[StatusQuery]) -> list[dict[str, Any]]:
    services.ip_claims_process_due()
    return _Mapped(selectors.claims_list(status=filters.status), claim_out)  # type: ignore[return-value]


@router.get("/ip/claims/{claim_id}", response=ClaimOut)
@staff_permission("trust.view_ipclaim")
def staff_claim_detail(request: HttpRequest, claim_id: int) -> dict[str, Any]:
    services.ip_claims_process_due(claim_ids=[claim_id])
    return claim_out(selectors.claim_get(claim_id))


@router.post("/ip/claims/{claim_id}/decide", response=ClaimOut)
@staff_permission("trust.decide_ipclaim")
def staff_claim_decide(
    request: HttpRequest, claim_id: int, payload: ClaimDecideIn
) -> dict[str, Any]:
    """After a counter-notice: remove the listings (6.1 iv; an IP strike) or restore them."""
    services.ip_claim_decide(
        claim_id=claim_id,
        by=staff_user(request, "trust.decide_ipclaim"),
        remove=payload.decision == "remove",
        reason=payload.reason,
    )
    return claim_out(selectors.claim_get(claim_id))
