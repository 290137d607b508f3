"""Feedback over the API (issue 11, clause 3.6).

`POST /orders/{id}/feedback` gives feedback (201) once the order is completed; the same
party posting again edits it (200) while editable (7 days by default). Refused with 403
`feedback_related_accounts` between related accounts. `GET /members/{member_id}/feedback`
is public: the counted average and count, and the recent counted entries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from tradepost.errors import NotFound
from tradepost.members.api import request_member
from tradepost.members.models import Member
from tradepost.money import decimal_str
from tradepost.policy.trade import load_trade_policy
from tradepost.trade.models.feedback import Feedback
from tradepost.trade.selectors import feedback as selectors
from tradepost.trade.selectors.orders import order_for_party
from tradepost.trade.services import feedback as services
from tradepost.trade.services.orders import order_timers_run

router = Router()


class FeedbackIn(Schema):
    rating: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=services.MAX_COMMENT)


class FeedbackOut(Schema):
    id: int
    order_id: int
    role: str
    rater_id: str
    ratee_id: str
    rating: int
    comment: str
    status: str
    created_at: datetime
    editable_until: datetime


class PublicEntryOut(Schema):
    order_id: int
    role: str
    rating: int
    comment: str
    created_at: datetime


class SummaryOut(Schema):
    member_id: str
    average: str | None
    count: int
    recent: list[PublicEntryOut]


def feedback_out(feedback: Feedback) -> dict[str, Any]:
    return {
        "id": feedback.pk,
        "order_id": feedback.order_id,
        "role": feedback.role,
        "rater_id": feedback.rater.member_id,
        "ratee_id": feedback.ratee.member_id,
        "rating": feedback.rating,
        "comment": feedback.comment,
        "status": feedback.status,
        "created_at": feedback.created_at,
        "editable_until": feedback.editable_until,
    }


@router.post("/orders/{order_id}/feedback", response={200: FeedbackOut, 201: FeedbackOut})
def feedback_give(
    request: HttpRequest, order_id: int, payload: FeedbackIn
) -> Status[dict[str, Any]]:
    """Clause 3.6: rate the other party of a completed order (1-5 and a comment)."""
    member = request_member(request)
    order = order_timers_run(order=order_for_party(member=member, order_id=order_id))
    feedback, created = services.feedback_give(
        order=order,
        member=member,
        rating=payload.rating,
        comment=payload.comment,
        by=request.user,
    )
    return Status(201 if created else 200, feedback_out(feedback))


@router.get("/members/{member_id}/feedback", response=SummaryOut, auth=None)
def member_feedback(request: HttpRequest, member_id: str) -> dict[str, Any]:
    """A member's public rating (counted feedback only) and the recent entries."""
    member = Member.objects.filter(member_id=member_id).first()
    if member is None:
        raise NotFound(_("No such member."), code="member_not_found")
    rating = selectors.member_rating(member)
    limit = load_trade_policy().feedback.recent_entries
    return {
        "member_id": member.member_id,
        "average": decimal_str(rating.average) if rating.average is not None else None,
        "count": rating.count,
        "recent": [
            {
                "order_id": f.order_id,
                "role": f.role,
                "rating": f.rating,
                "comment": f.comment,
                "created_at": f.created_at,
            }
            for f in selectors.member_feedback_recent(member, limit=limit)
        ],
    }
