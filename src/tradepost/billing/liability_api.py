"""`GET /api/v1/staff/members/{member_id}/liability-cap?year=` (clause 8.8), for staff whose
role holds `billing.view_liability_cap` (support and legal counsel read it)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from tradepost.billing.rules.liability import claim_within_window
from tradepost.billing.selectors.liability import member_liability_cap
from tradepost.errors import NotFound
from tradepost.members.models import Member
from tradepost.money import decimal_str
from tradepost.trust.api.common import staff_permission

staff_router = Router()


class CapQuery(Schema):
    year: int | None = Field(default=None, ge=2000, le=2100)
    # Clause 8.8: with the date the cause of action arose (and the claim's, default today),
    # the answer also says whether the claim is within the claim window.
    cause_date: date | None = None
    claim_date: date | None = None


class ClaimWindowOut(Schema):
    within: bool
    last_day: date
    cause_date: date
    claim_date: date


class LiabilityCapOut(Schema):
    cap: str
    currency: str
    fees_paid: str
    statutory_amount: str
    governing_law: str
    member_id: str
    year: int
    basis: str
    law: str
    claim_window_days: int
    fees_paid_by_currency: dict[str, str]
    not_converted: list[str]
    clause: str
    claim_window: ClaimWindowOut | None


@staff_router.get("/members/{member_id}/liability-cap", response=LiabilityCapOut)
@staff_permission("billing.view_liability_cap")
def liability_cap(request: HttpRequest, member_id: str, query: Query[CapQuery]) -> dict[str, Any]:
    """Clause 8.8: the member's liability cap for the calendar year (default: this year):
    `cap` is the greater of `fees_paid` (converted into `currency` where the policy gives a
    rate) and the `statutory_amount` of the `governing_law`; `basis` says which. With
    `cause_date`, `claim_window` says whether a claim filed on `claim_date` (default today)
    is within one year of its cause (or the longer period the governing law gives)."""
    member = Member.objects.filter(member_id=member_id).first()
    if member is None:
        raise NotFound(_("No such member."))
    result = member_liability_cap(member, query.year or timezone.now().year)
    claim = None
    if query.cause_date is not None:
        claim_date = query.claim_date or timezone.localdate()
        window = claim_within_window(
            cause_date=query.cause_date,
            claim_date=claim_date,
            window_days=result.claim_window_days,
        )
        claim = {
            "within": window.within,
            "last_day": window.last_day,
            "cause_date": query.cause_date,
            "claim_date": claim_date,
        }
    return {
        "cap": decimal_str(result.cap),
        "currency": result.currency,
        "fees_paid": decimal_str(result.fees_paid),
        "statutory_amount": decimal_str(result.statutory_amount),
        "governing_law": result.governing_law,
        "member_id": result.member_id,
        "year": result.year,
        "basis": result.basis,
        "law": result.law,
        "claim_window_days": result.claim_window_days,
        "fees_paid_by_currency": {
            c: decimal_str(a) for c, a in result.fees_paid_by_currency.items()
        },
        "not_converted": result.not_converted,
        "clause": result.clause,
        "claim_window": claim,
    }
