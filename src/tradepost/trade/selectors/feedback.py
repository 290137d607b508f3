"""Reading feedback: a member's rating counts only `counted` feedback (held and voided do
not), with the recent entries shown publicly."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, QuerySet

from tradepost.members.models import Member
from tradepost.trade.models.feedback import Feedback, FeedbackStatus


@dataclass(frozen=True)
class Rating:
    average: Decimal | None
    count: int


def member_rating(member: Member | int) -> Rating:
    member_pk = member.pk if isinstance(member, Member) else member
    row = Feedback.objects.filter(ratee_id=member_pk, status=FeedbackStatus.COUNTED).aggregate(
        avg=Avg("rating"), n=Count("id")
    )
    if not row["n"]:
        return Rating(None, 0)
    average = Decimal(str(row["avg"])).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Rating(average, row["n"])


def member_feedback_recent(member: Member, *, limit: int = 10) -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(ratee=member, status=FeedbackStatus.COUNTED)
        .select_related("rater")
        .order_by("-created_at", "-id")[:limit]
    )


def feedback_of_order(order_id: int) -> QuerySet[Feedback]:
    return Feedback.objects.filter(order_id=order_id).select_related("rater", "ratee")
