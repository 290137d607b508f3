"""Sanctions screening over the staff API (issue 12; Clause 5.6 (k), Clause 5.13 (b)).

`POST /api/v1/staff/screening/check` answers which list entries a name may be, best first,
for compliance staff (`compliance.view_entry`). The review queue: `GET
/api/v1/staff/screening/hits?member_id=&status=open|confirmed|cleared`, and a compliance
officer's decision on a hit, `POST /api/v1/staff/screening/hits/{id}/confirm` or `/clear`
with `{"reason"}` (`compliance.decide_screeninghit`)."""

from __future__ import annotations

import builtins
from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import field_validator

from tradepost.api_paging import LazyRows, LimitOffsetPaging
from tradepost.compliance import screening
from tradepost.compliance.matching import screen_name
from tradepost.compliance.models import ScreeningHit
from tradepost.errors import NotFound
from tradepost.trust.api.common import staff_permission, staff_user

router = Router()


class ScreeningCheckIn(Schema):
    name: str = Field(..., min_length=1, max_length=500)
    kind: Literal["person", "company", "any"] = "any"
    country: str | None = Field(default=None, max_length=100)
    # A full ISO date, or a year alone when only that is known.
    birth_date: str | None = Field(default=None, pattern=r"^\d{4}(-\d{2}-\d{2})?$")

    @field_validator("birth_date")
    @classmethod
    def _real_date(cls, value: str | None) -> str | None:
        if value and len(value) == 10:
            date.fromisoformat(value)
        return value


class ScreeningHitOut(Schema):
    list: str
    list_version: int
    entry_id: str
    name: str
    matched_alias: str | None
    score: float
    reasons: builtins.list[str]


class ScreeningCheckOut(Schema):
    hits: list[ScreeningHitOut]


@router.post("/screening/check", response=ScreeningCheckOut)
@staff_permission("compliance.view_entry")
def screening_check(request: HttpRequest, payload: ScreeningCheckIn) -> dict[str, Any]:
    """Clause 5.13 (b): the entries of every live sanctions list the name may be, scored
    0..1 with the reasons, at or above the policy's `review_score`."""
    hits = screen_name(
        payload.name, kind=payload.kind, country=payload.country, birth_date=payload.birth_date
    )
    return {
        "hits": [
            {
                "list": h.list_source,
                "list_version": h.list_version,
                "entry_id": h.entry_id,
                "name": h.name,
                "matched_alias": h.matched_alias,
                "score": h.score,
                "reasons": list(h.reasons),
            }
            for h in hits
        ]
    }


class HitQuery(Schema):
    member_id: str = Field(default="", max_length=40)
    status: Literal["open", "confirmed", "cleared", ""] = ""


class HitOut(Schema):
    id: int
    member_id: str
    subject: str
    subject_value: str
    list: str
    list_version: int
    entry_id: str
    name: str
    matched_alias: str
    score: float
    reasons: builtins.list[str]
    holds: bool
    status: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str


class HitDecisionIn(Schema):
    reason: str = Field(..., max_length=2000)


def hit_out(hit: ScreeningHit) -> dict[str, Any]:
    return {
        "id": hit.pk,
        "member_id": hit.member.member_id,
        "subject": hit.subject,
        "subject_value": hit.subject_value,
        "list": hit.list_source,
        "list_version": hit.list_version,
        "entry_id": hit.entry_source_id,
        "name": hit.entry_name,
        "matched_alias": hit.matched_alias,
        "score": hit.score,
        "reasons": list(hit.reasons),
        "holds": hit.holds,
        "status": hit.status,
        "created_at": hit.created_at,
        "decided_by": hit.decided_by.get_username() if hit.decided_by else None,
        "decided_at": hit.decided_at,
        "decision_reason": hit.decision_reason,
    }


def _hit(hit_id: int) -> ScreeningHit:
    hit = screening.hits_for_review().filter(pk=hit_id).first()
    if hit is None:
        raise NotFound(_("No such screening hit."), code="screening_hit_not_found")
    return hit


@router.get("/screening/hits", response=list[HitOut])
@paginate(LimitOffsetPaging)
@staff_permission("compliance.view_screeninghit")
def hit_list(request: HttpRequest, filters: Query[HitQuery]) -> list[dict[str, Any]]:
    """Clause 5.13: the compliance review queue, open hits first, then newest first."""
    rows = screening.hits_for_review(member_id=filters.member_id, status=filters.status)
    return LazyRows(rows, hit_out)  # type: ignore[return-value]


@router.post("/screening/hits/{hit_id}/confirm", response=HitOut)
@staff_permission("compliance.decide_screeninghit")
def hit_confirm(request: HttpRequest, hit_id: int, payload: HitDecisionIn) -> dict[str, Any]:
    """Clause 5.13: a true match: a case on ground 5.13 proposing termination (four eyes)."""
    by = staff_user(request, "compliance.decide_screeninghit")
    hit = screening.hit_confirm(hit=_hit(hit_id), by=by, reason=payload.reason)
    return hit_out(_hit(hit.pk))


@router.post("/screening/hits/{hit_id}/clear", response=HitOut)
@staff_permission("compliance.decide_screeninghit")
def hit_clear(request: HttpRequest, hit_id: int, payload: HitDecisionIn) -> dict[str, Any]:
    """Clause 5.13: a false positive, remembered for this member and entry."""
    by = staff_user(request, "compliance.decide_screeninghit")
    hit = screening.hit_clear(hit=_hit(hit_id), by=by, reason=payload.reason)
    return hit_out(_hit(hit.pk))
