"""Staff operations on complaints, cases and penalty points (clauses 5.4, 6.2, 6.3, 6.5),
and the members' own complaint intake (`POST /api/v1/complaints`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from tradepost.api_paging import LimitOffsetPaging
from tradepost.errors import NotFound
from tradepost.members.models import Member
from tradepost.members.selectors import member_for_user
from tradepost.policy.penalties import load_penalties_policy
from tradepost.trust.api.common import staff_permission, staff_user
from tradepost.trust.api.files import case_evidence_url
from tradepost.trust.models import CaseEvidence, Complaint, IPStrike, PenaltyPoint
from tradepost.trust.models.cases import Case
from tradepost.trust.selectors import cases as selectors
from tradepost.trust.services import cases as case_services
from tradepost.trust.services import complaints as services
from tradepost.trust.services import penalties as penalty_services

router = Router()  # staff, under /api/v1/staff/
member_router = Router()  # members, under /api/v1/


# --- Schemas ------------------------------------------------------------------------------


class ComplaintIn(Schema):
    member_id: str = Field(..., max_length=16, description="The member complained about.")
    ground: str = Field(
        ..., max_length=8, description='"6.3 a", "6.3 b", "6.3 c", "6.3 d", "6.5" or "5.4".'
    )
    description: str = Field(..., max_length=services.DESCRIPTION_MAX)
    listing_ids: list[int] = Field(default_factory=list, max_length=services.LISTINGS_MAX)
    complainant_name: str = Field("", max_length=200, description="A third party's name.")
    complainant_email: str = Field("", max_length=254)


class MemberComplaintIn(Schema):
    member_id: str = Field(..., max_length=16, description="The member you report.")
    ground: str = Field(..., max_length=8, description='"6.3 a", "6.3 b", "6.3 c" or "6.3 d".')
    description: str = Field(..., max_length=services.DESCRIPTION_MAX)
    listing_ids: list[int] = Field(default_factory=list, max_length=services.LISTINGS_MAX)


class ComplaintOut(Schema):
    id: int
    case_id: int
    member_id: str
    ground: str
    description: str
    listing_ids: list[int]
    status: str
    source: str
    complainant_member_id: str | None
    complainant_name: str
    reference: str
    created_at: datetime
    established_at: datetime | None
    rejected_at: datetime | None
    decision_reason: str


class DecisionIn(Schema):
    reason: str = Field(..., min_length=1, max_length=5_000)


class ComplaintQuery(Schema):
    member_id: str = Field("", max_length=16)
    status: str = Field("", max_length=16)
    ground: str = Field("", max_length=8)


class EstablishOut(Schema):
    complaint: ComplaintOut
    penalty: dict[str, Any] | None


class CaseEvidenceOut(Schema):
    id: int
    note: str
    file_url: str | None
    content_type: str
    size: int
    by: str
    at: datetime


class CaseMemberOut(Schema):
    member_id: str
    company_name: str
    country: str
    status: str


class CaseOut(Schema):
    id: int
    status: str
    member: CaseMemberOut
    cluster: list[str] = Field(..., description="The member's related accounts (6.2 i).")
    grounds: list[str]
    assignee: str | None
    opened_at: datetime
    closed_at: datetime | None
    closing_reason: str
    complaints: list[ComplaintOut]
    evidence: list[CaseEvidenceOut]
    actions: list[dict[str, Any]]


class CaseRowOut(Schema):
    id: int
    status: str
    member_id: str
    grounds: list[str]
    assignee: str | None
    opened_at: datetime
    closed_at: datetime | None


class CaseQuery(Schema):
    member_id: str = Field("", max_length=16)
    status: str = Field("", max_length=8)


class NoteIn(Schema):
    note: str = Field(..., min_length=1, max_length=case_services.NOTE_MAX)


class AssignIn(Schema):
    assignee: str = Field(..., min_length=1, max_length=150, description="A staff username.")


class PenaltyIn(Schema):
    points: int = Field(..., ge=1, le=penalty_services.POINTS_MAX)
    rule: str = Field(..., min_length=1, max_length=64)
    clause: str = Field(..., min_length=1, max_length=64)
    reason: str = Field(..., min_length=1, max_length=5_000)


class PenaltyOut(Schema):
    id: int
    member_id: str
    points: int
    counted: int
    rule: str
    clause: str
    reason: str
    at: datetime
    expires_at: datetime
    complaint_id: int | None
    by: str
    points_total_after: int
    threshold: str
    prescription: str
    prescribed: list[dict[str, Any]]
    action_ids: list[int]


class ThresholdOut(Schema):
    id: str
    points: int | None = None
    strikes: int | None = None
    clause: str
    label: str
    automatic: bool


class PenaltyAddOut(Schema):
    points_total: int
    action: dict[str, Any] | None
    actions: list[dict[str, Any]]
    threshold: ThresholdOut | None
    penalty: PenaltyOut


class StrikeOut(Schema):
    id: int
    member_id: str
    number: int
    at: datetime
    expires_at: datetime
    rule: str
    complaint_ids: list[int]
    threshold: str
    prescription: str
    prescribed: list[dict[str, Any]]
    action_ids: list[int]


class PrescriptionDecisionIn(Schema):
    confirm: bool = Field(..., description="True: take the proposed actions; False: dismiss.")
    reason: str = Field(..., min_length=1, max_length=5_000)


# --- Output -------------------------------------------------------------------------------


def complaint_out(c: Complaint) -> dict[str, Any]:
    return {
        "id": c.pk,
        "case_id": c.case_id,
        "member_id": c.subject.member_id,
        "ground": c.ground,
        "description": c.description,
        "listing_ids": sorted(listing.pk for listing in c.listings.all()),
        "status": c.status,
        "source": c.source,
        "complainant_member_id": c.complainant.member_id if c.complainant else None,
        "complainant_name": c.complainant_name,
        "reference": c.reference,
        "created_at": c.created_at,
        "established_at": c.established_at,
        "rejected_at": c.rejected_at,
        "decision_reason": c.decision_reason,
    }


def action_out(action: Any) -> dict[str, Any]:
    """A disciplinary action as the actions API shows it (the fields every kind has)."""
    return {
        "id": action.pk,
        "member_id": action.member.member_id,
        "kind": action.kind,
        "status": action.status,
        "clause": action.clause,
        "feature": action.feature,
        "reason": action.reason,
        "ends_at": action.ends_at.isoformat() if action.ends_at else None,
        "case_ref": action.case_ref,
    }


def _evidence_out(e: CaseEvidence) -> dict[str, Any]:
    return {
        "id": e.pk,
        "note": e.note,
        "file_url": case_evidence_url(e),
        "content_type": e.content_type,
        "size": e.size,
        "by": e.by.username,
        "at": e.at,
    }


def case_out(case: Case) -> dict[str, Any]:
    member = case.member
    return {
        "id": case.pk,
        "status": case.status,
        "member": {
            "member_id": member.member_id,
            "company_name": member.company_name,
            "country": member.country,
            "status": member.status,
        },
        "cluster": selectors.related_member_ids(member),
        "grounds": case.grounds,
        "assignee": case.assignee.username if case.assignee else None,
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "closing_reason": case.closing_reason,
        "complaints": [complaint_out(c) for c in case.complaints.all()],
        "evidence": [_evidence_out(e) for e in case.evidence.all()],
        "actions": [action_out(a) for a in selectors.case_actions(case)],
    }


def _case_row(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "status": case.status,
        "member_id": case.member.member_id,
        "grounds": case.grounds,
        "assignee": case.assignee.username if case.assignee else None,
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
    }


def penalty_out(p: PenaltyPoint) -> dict[str, Any]:
    return {
        "id": p.pk,
        "member_id": p.member.member_id,
        "points": p.points,
        "counted": p.counted,
        "rule": p.rule,
        "clause": p.clause,
        "reason": p.reason,
        "at": p.at,
        "expires_at": p.expires_at,
        "complaint_id": p.complaint_id,
        "by": p.by.username if p.by else "system",
        "points_total_after": p.total_after,
        "threshold": p.threshold,
        "prescription": p.prescription,
        "prescribed": p.prescribed,
        "action_ids": p.action_ids,
    }


def strike_out(s: IPStrike) -> dict[str, Any]:
    return {
        "id": s.pk,
        "member_id": s.member.member_id,
        "number": s.number,
        "at": s.at,
        "expires_at": s.expires_at,
        "rule": s.rule,
        "complaint_ids": sorted(c.pk for c in s.complaints.all()),
        "threshold": s.threshold,
        "prescription": s.prescription,
        "prescribed": s.prescribed,
        "action_ids": s.action_ids,
    }


def _threshold_out(threshold: Any) -> dict[str, Any] | None:
    if threshold is None:
        return None
    return threshold.model_dump(include={"id", "points", "strikes", "clause", "label", "automatic"})


def _proposed(record: PenaltyPoint | IPStrike, kind: str) -> list[dict[str, Any]]:
    """What a threshold that staff confirm prescribed, as proposed actions."""
    return [
        {
            "id": None,
            "kind": step["kind"],
            "status": "proposed",
            "clause": record.threshold_clause,
            "feature": step.get("feature", ""),
            "days": step.get("days"),
            "confirm": f"/api/v1/staff/{kind}/{record.pk}/confirm",
        }
        for step in record.prescribed
    ]


# --- Complaints ---------------------------------------------------------------------------


@router.post("/complaints", response={201: ComplaintOut})
@staff_permission("trust.add_complaint")
def complaint_create(request: HttpRequest, payload: ComplaintIn) -> Status[dict[str, Any]]:
    """Register a complaint about a member, citing its ground by clause; a duplicate (same
    member and ground, or a shared listing, while the case is open) joins that case."""
    complaint = services.complaint_file_by_staff(
        member_id=payload.member_id,
        ground=payload.ground,
        description=payload.description,
        listing_ids=payload.listing_ids,
        complainant_name=payload.complainant_name,
        complainant_email=payload.complainant_email,
        by=staff_user(request, "trust.add_complaint"),
    )
    return Status(201, complaint_out(selectors.complaint_get(complaint.pk)))


@router.get("/complaints", response=list[ComplaintOut])
@paginate(LimitOffsetPaging)
@staff_permission("trust.view_complaint")
def complaint_list(request: HttpRequest, filters: Query[ComplaintQuery]) -> list[dict[str, Any]]:
    return _Mapped(  # type: ignore[return-value]
        selectors.complaints_list(
            member_id=filters.member_id, status=filters.status, ground=filters.ground
        ),
        complaint_out,
    )


@router.get("/complaints/{complaint_id}", response=ComplaintOut)
@staff_permission("trust.view_complaint")
def complaint_detail(request: HttpRequest, complaint_id: int) -> dict[str, Any]:
    return complaint_out(selectors.complaint_get(complaint_id))


@router.post("/complaints/{complaint_id}/establish", response=EstablishOut)
@staff_permission("trust.change_complaint")
def complaint_establish(
    request: HttpRequest, complaint_id: int, payload: DecisionIn
) -> dict[str, Any]:
    """The complaint is established: its ground adds points (at most the same-day cap) or an
    IP strike, and what a threshold crossed prescribes is taken or proposed."""
    outcome = services.complaint_establish(
        complaint_id=complaint_id,
        by=staff_user(request, "trust.change_complaint"),
        reason=payload.reason,
    )
    penalty = outcome.penalty
    return {
        "complaint": complaint_out(selectors.complaint_get(complaint_id)),
        "penalty": (
            penalty_out(penalty)
            if isinstance(penalty, PenaltyPoint)
            else strike_out(penalty)
            if isinstance(penalty, IPStrike)
            else None
        ),
    }


@router.post("/complaints/{complaint_id}/reject", response=ComplaintOut)
@staff_permission("trust.change_complaint")
def complaint_reject(
    request: HttpRequest, complaint_id: int, payload: DecisionIn
) -> dict[str, Any]:
    services.complaint_reject(
        complaint_id=complaint_id,
        by=staff_user(request, "trust.change_complaint"),
        reason=payload.reason,
    )
    return complaint_out(selectors.complaint_get(complaint_id))


# --- Cases --------------------------------------------------------------------------------


@router.get("/cases", response=list[CaseRowOut])
@paginate(LimitOffsetPaging)
@staff_permission("trust.view_case")
def case_list(request: HttpRequest, filters: Query[CaseQuery]) -> list[dict[str, Any]]:
    return _Mapped(  # type: ignore[return-value]
        selectors.cases_list(member_id=filters.member_id, status=filters.status), _case_row
    )


@router.get("/cases/{case_id}", response=CaseOut)
@staff_permission("trust.view_case")
def case_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """The case: its complaints, grounds, evidence and actions, the member and its related
    accounts (clause 6.2 (i))."""
    return case_out(selectors.case_get(case_id))


@router.post("/cases/{case_id}/evidence", response={201: CaseOut})
@staff_permission("trust.change_case")
def case_note_add(request: HttpRequest, case_id: int, payload: NoteIn) -> Status[dict[str, Any]]:
    case_services.case_evidence_add(
        case_id=case_id, by=staff_user(request, "trust.change_case"), note=payload.note
    )
    return Status(201, case_out(selectors.case_get(case_id)))


@router.post("/cases/{case_id}/evidence/files", response={201: CaseOut})
@staff_permission("trust.change_case")
def case_file_add(
    request: HttpRequest, case_id: int, file: File[UploadedFile], note: Form[str] = ""
) -> Status[dict[str, Any]]:
    """A document (PDF or image, at most 10 MB; multipart `file`, optional `note`)."""
    case_services.case_evidence_add(
        case_id=case_id, by=staff_user(request, "trust.change_case"), note=note, upload=file
    )
    return Status(201, case_out(selectors.case_get(case_id)))


@router.post("/cases/{case_id}/assign", response=CaseOut)
@staff_permission("trust.change_case")
def case_assign(request: HttpRequest, case_id: int, payload: AssignIn) -> dict[str, Any]:
    case_services.case_assign(
        case_id=case_id,
        by=staff_user(request, "trust.change_case"),
        assignee_username=payload.assignee,
    )
    return case_out(selectors.case_get(case_id))


@router.post("/cases/{case_id}/close", response=CaseOut)
@staff_permission("trust.change_case")
def case_close(request: HttpRequest, case_id: int, payload: DecisionIn) -> dict[str, Any]:
    case_services.case_close(
        case_id=case_id, by=staff_user(request, "trust.change_case"), reason=payload.reason
    )
    return case_out(selectors.case_get(case_id))


# --- Penalty points and strikes -----------------------------------------------------------


@router.post("/members/{member_id}/penalties", response={201: PenaltyAddOut})
@staff_permission("trust.add_penaltypoint")
def penalty_create(
    request: HttpRequest, member_id: str, payload: PenaltyIn
) -> Status[dict[str, Any]]:
    """Clause 6.2: add penalty points. A threshold crossed prescribes an action: taken at
    once when the policy applies it automatically (`action`), else proposed for a staff
    member to confirm (`action.status` "proposed")."""
    outcome = penalty_services.penalty_add(
        member=selectors.member_by_id(member_id),
        points=payload.points,
        rule=payload.rule,
        clause=payload.clause,
        reason=payload.reason,
        by=staff_user(request, "trust.add_penaltypoint"),
    )
    record = outcome.record
    actions = (
        [action_out(a) for a in outcome.actions]
        if outcome.actions
        else _proposed(record, "penalties")
    )
    return Status(
        201,
        {
            "points_total": outcome.total,
            "action": actions[0] if actions else None,
            "actions": actions,
            "threshold": _threshold_out(outcome.threshold),
            "penalty": penalty_out(record),
        },
    )


@router.get("/members/{member_id}/penalties", response=list[PenaltyOut])
@paginate(LimitOffsetPaging)
@staff_permission("trust.view_penaltypoint")
def penalty_list(request: HttpRequest, member_id: str) -> list[dict[str, Any]]:
    """The member's penalty points, oldest first, each with when it expires."""
    return _Mapped(selectors.penalties_of(selectors.member_by_id(member_id)), penalty_out)  # type: ignore[return-value]


@router.get("/members/{member_id}/ip-strikes", response=list[StrikeOut])
@paginate(LimitOffsetPaging)
@staff_permission("trust.view_ipstrike")
def strike_list(request: HttpRequest, member_id: str) -> list[dict[str, Any]]:
    return _Mapped(selectors.strikes_of(selectors.member_by_id(member_id)), strike_out)  # type: ignore[return-value]


@router.post("/penalties/{penalty_id}/confirm", response=PenaltyAddOut)
@staff_permission("trust.confirm_penalty")
def penalty_confirm(
    request: HttpRequest, penalty_id: int, payload: PrescriptionDecisionIn
) -> dict[str, Any]:
    """Confirm (take) or dismiss the actions a threshold proposed."""
    row, taken = penalty_services.prescription_decide(
        kind="points",
        pk=penalty_id,
        confirm=payload.confirm,
        by=staff_user(request, "trust.confirm_penalty"),
        reason=payload.reason,
    )
    assert isinstance(row, PenaltyPoint)
    actions = [action_out(a) for a in taken]
    threshold = next(
        (t for t in load_penalties_policy().points.thresholds if t.id == row.threshold), None
    )
    return {
        "points_total": penalty_services.points_total(row.member),
        "action": actions[0] if actions else None,
        "actions": actions,
        "threshold": _threshold_out(threshold),
        "penalty": penalty_out(row),
    }


@router.post("/ip-strikes/{strike_id}/confirm", response=StrikeOut)
@staff_permission("trust.confirm_penalty")
def strike_confirm(
    request: HttpRequest, strike_id: int, payload: PrescriptionDecisionIn
) -> dict[str, Any]:
    row, _ = penalty_services.prescription_decide(
        kind="strike",
        pk=strike_id,
        confirm=payload.confirm,
        by=staff_user(request, "trust.confirm_penalty"),
        reason=payload.reason,
    )
    assert isinstance(row, IPStrike)
    return strike_out(row)


# --- Members' complaint intake ------------------------------------------------------------


def _member(request: HttpRequest) -> Member:
    member = member_for_user(request.user)
    if member is None:
        raise NotFound("This account is not a member account.")
    return member


@member_router.post("/complaints", response={201: ComplaintOut})
def member_complaint_create(
    request: HttpRequest, payload: MemberComplaintIn
) -> Status[dict[str, Any]]:
    """Report another member (clause 6.3 a-d), naming its listings concerned if any. Rights
    infringements go through `POST /ip/claims`."""
    complaint = services.complaint_file_by_member(
        complainant=_member(request),
        member_id=payload.member_id,
        ground=payload.ground,
        description=payload.description,
        listing_ids=payload.listing_ids,
    )
    return Status(201, complaint_out(selectors.complaint_get(complaint.pk)))


@member_router.get("/complaints", response=list[ComplaintOut])
@paginate(LimitOffsetPaging)
def member_complaint_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The complaints you filed, oldest first."""
    return _Mapped(selectors.complaints_filed_by(_member(request)), complaint_out)  # type: ignore[return-value]


class _Mapped:
    """A queryset paged by the database and shaped row by row (only the page is mapped)."""

    def __init__(self, rows: QuerySet[Any], out: Any) -> None:
        self.rows, self.out = rows, out

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [self.out(row) for row in self.rows[index]]
