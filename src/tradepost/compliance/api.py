"""Sanctions screening over the staff API (issue 12; Clause 5.6 (k), Clause 5.13 (b)).

`POST /api/v1/staff/screening/check` answers which list entries a name may be, best first,
for compliance staff (`compliance.view_entry`)."""

from __future__ import annotations

import builtins
from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import field_validator

from tradepost.compliance.matching import screen_name
from tradepost.trust.api.common import staff_permission

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
